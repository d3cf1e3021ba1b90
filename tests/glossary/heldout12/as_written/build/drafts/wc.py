import re,sys
for f in sys.argv[1:]:
    t=open(f).read()
    print(f,len([w for w in t.split() if re.search(r'[A-Za-z0-9]',w)]))
