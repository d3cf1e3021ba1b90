"""Build marks.csv from hand-chosen term lists; counts computed with the same regex as check.py."""
import csv, re
C,A,PH,N,E,W,F,L='children','adults','public_health','nhs','education','workforce','finance','local_government'
M={}
M['p01']=f"""
ILACS|Inspecting Local Authority Children's Services (Ofsted inspection framework)|{C}
DCS|Director of Children's Services|{C}
Requires Improvement to be Good|Ofsted's third grade, below Good|{C}
RI|Requires Improvement (to be Good), an inspection grade|{C}
CLA|children looked after (children in the council's care)|{C}
care leavers|young people aged 16-25 who have left the council's care|{C}
care leaver|young person aged 16-25 who has left the council's care|{C}
Improvement Adviser|adviser appointed by the DfE to oversee improvement after a poor inspection|{C}
Front door|the point where concerns about children first reach children's services|{C}
early help|support for families offered before statutory social work is needed|{C}
MASH|multi-agency safeguarding hub, where referrals are screened jointly|{C}
SN|statistical neighbours (similar councils used for comparison)|{L}
Re-referrals|new referrals about a child within 12 months of a previous one|{C}
threshold document|multi-agency guidance setting out levels of need and which service responds|{C}
EHA|Early Help Assessment|{C}
LCS|Liquidlogic Children's Services, the case management system|{C}
step-up|moving a case from early help up to statutory social care|{C}
step-down|moving a case from statutory social care down to early help|{C}
Strategy discussions|multi-agency discussions held when a child may be suffering significant harm|{C}
s.47|section 47 Children Act 1989 child protection enquiry|{C}
S47|section 47 Children Act 1989 child protection enquiry|{C}
ICPC|initial child protection conference|{C}
CIN|child in need (section 17 Children Act)|{C}
CP|child protection|{C}
pre-proceedings|formal stage before the council applies to court for a care order|{C}
Core group|group of professionals and family who carry out a child protection plan|{C}
RCPCs|review child protection conferences|{C}
PLO|Public Law Outline, the court process and pre-proceedings framework for care cases|{C}
care proceedings|court proceedings in which the council seeks a care or supervision order|{C}
PD12A|Practice Direction 12A, court rules setting the 26-week timetable for care cases|{C}
Legal Gateway Panel|panel deciding whether a case enters pre-proceedings or court|{C}
IHAs|initial health assessments for children entering care|{C}
ICB|integrated care board (local NHS commissioning body)|{N}
PEPs|personal education plans for children in care|{C}
EET|in education, employment or training|{E}
PA|personal adviser supporting a care leaver|{C}
SW|social worker|{W}
establishment|the approved number of posts in a team|{W}
FTE|full-time equivalent (post)|{W}
NQSWs|newly qualified social workers|{W}
ASYE|Assessed and Supported Year in Employment for newly qualified social workers|{W}
PSW|Principal Social Worker, lead for social work practice|{W}
RAG-rated|rated red, amber or green for progress|{L}
"""
M['p02']=f"""
Corporate Parenting Panel|councillor committee overseeing the council's duties to children in care|{C}
corporate parent|the council's legal role as parent to children in its care|{C}
children in care|children looked after by the council|{C}
care-experienced|people who have spent time in care|{C}
SSDA903|statutory data return on children looked after|{C}
CiCC|Children in Care Council, forum of children in care|{C}
CLA|children looked after|{C}
C.L.A.|children looked after|{C}
SN|statistical neighbours (similar councils used for comparison)|{L}
UASC|unaccompanied asylum-seeking children|{C}
NTS|National Transfer Scheme for moving asylum-seeking children between councils|{C}
in-house|provided directly by the council rather than bought in|{C}
IFAs|independent fostering agencies|{C}
out of area|placed outside the council's own area|{C}
Review Health Assessments|statutory regular health checks for children in care|{C}
IHAs|initial health assessments for children entering care|{C}
SDQ|Strengths and Difficulties Questionnaire (emotional wellbeing score)|{C}
Virtual School|council team that promotes the education of children in care|{E}
ePEP|electronic personal education plan|{C}
PP+|Pupil Premium Plus, extra school funding for children in care|{E}
VSH|Virtual School Head|{E}
persistent absence|missing 10% or more of school sessions|{E}
Permanence|securing a permanent, stable home for a child|{C}
permanence|securing a permanent, stable home for a child|{C}
SGO|special guardianship order|{C}
RAA|regional adoption agency|{C}
ADM|agency decision maker (senior officer who approves adoption decisions)|{C}
Placement Orders|court orders authorising a child to be placed for adoption|{C}
IROs|independent reviewing officers who chair reviews of children in care|{C}
care leavers|young people aged 16-25 who have left the council's care|{C}
Care leavers|young people aged 16-25 who have left the council's care|{C}
PA|personal adviser supporting a care leaver|{C}
Pathway Plan|statutory plan for a young person leaving care|{C}
Staying Put|arrangement letting a young person stay with former foster carers after 18|{C}
Staying Close|support for young people leaving children's homes to live nearby|{C}
NEET|not in education, employment or training|{E}
Local Offer|published offer of support to care leavers|{C}
Regulation 44 visits|independent monthly visits to children's homes|{C}
Fostering Friendly|employer policy giving staff paid leave to foster|{C}
Sufficiency Strategy|plan to ensure enough suitable placements for children in care|{C}
protected characteristic|a characteristic protected under the Equality Act 2010|{L}
EqIAs|equality impact assessments|{L}
"""
M['p03']=f"""
SEND|special educational needs and disabilities|{E}
Alternative Provision|education arranged for pupils outside mainstream school|{E}
Alternative provision|education arranged for pupils outside mainstream school|{E}
Scrutiny|councillors' overview and scrutiny committee|{L}
EHC needs assessments|statutory assessments for an education, health and care plan|{E}
EHCPs|education, health and care plans|{E}
EHCP|education, health and care plan|{E}
E.H.C.P.|education, health and care plan|{E}
EHC plans|education, health and care plans|{E}
SEN Support|help for pupils with special needs who do not have an EHCP|{E}
EHCNA|education, health and care needs assessment|{E}
EP|educational psychologist|{E}
EPs|educational psychologists|{E}
FTE|full-time equivalent (post)|{W}
locum|temporary (usually agency) professional|{W}
Annual reviews|statutory yearly review of an EHCP|{E}
SMART|specific, measurable, achievable, relevant and time-bound|{L}
SALT|speech and language therapy|{N}
OT|occupational therapy|{N}
SENDIST|First-tier Tribunal (SEND), which hears appeals about EHCPs|{E}
SENDIASS|SEND Information, Advice and Support Service|{E}
SEMH|social, emotional and mental health needs|{E}
ASC|autistic spectrum condition|{E}
primary need|the main type of special educational need recorded for a pupil|{E}
INMSS|independent and non-maintained special schools|{E}
ARP|additionally resourced provision (specialist unit in a mainstream school)|{E}
ARPs|additionally resourced provisions (specialist units in mainstream schools)|{E}
PfA|Preparing for Adulthood|{E}
PRU|pupil referral unit|{E}
AP|alternative provision|{E}
A.P.|alternative provision|{E}
Section 19|council duty to arrange education for children who cannot attend school|{E}
part-time timetables|reduced school day agreed for a pupil|{E}
EOTAS|education otherwise than at school|{E}
unregistered settings|alternative provision settings not registered as schools|{E}
EHE|elective home education|{E}
CME|children missing education|{E}
HNB|high needs block of the Dedicated Schools Grant|{F}
DSG|Dedicated Schools Grant|{F}
DBV|Delivering Better Value in SEND, a DfE support programme|{E}
statutory override|rule keeping DSG deficits off the council's main accounts|{F}
General Fund|the council's main revenue account|{F}
Safety Valve|DfE deal giving funding to councils that agree to cut their DSG deficit|{F}
usable reserves|reserves the council can spend|{F}
"""
M['p04']=f"""
SAF|CQC single assessment framework|{A}
Information Return|data return the council submits to CQC before assessment|{A}
self-assessment|the council's own assessment of its performance|{A}
quality statements|CQC's statements of what good care looks like|{A}
unpaid carers|family members or friends who provide care without pay|{A}
Care Act assessment|assessment of a person's care needs under the Care Act 2014|{A}
OT|occupational therapist / occupational therapy|{A}
Carers' assessments|assessments of a carer's own needs under the Care Act|{A}
SALT|Short and Long Term support statutory data return|{A}
signposting|directing people to other sources of help|{A}
Direct payments|cash paid to people to arrange their own care|{A}
DPs|direct payments|{A}
Personal budgets|the amount allocated to meet a person's assessed care needs|{A}
ICB|integrated care board (local NHS commissioning body)|{N}
CHC|NHS continuing healthcare (fully NHS-funded care)|{N}
s.117|section 117 Mental Health Act aftercare|{A}
aftercare|free services after detention under the Mental Health Act|{A}
safeguarding concerns|reports that an adult may be at risk of abuse or neglect|{A}
s.42|section 42 Care Act safeguarding enquiry|{A}
MSP|Making Safeguarding Personal|{A}
DoLS|Deprivation of Liberty Safeguards|{A}
BIA|Best Interests Assessor|{A}
standard authorisations|formal DoLS approvals to deprive someone of liberty|{A}
SAB|Safeguarding Adults Board|{A}
SARs|Safeguarding Adults Reviews|{A}
self-neglect|a person not caring for their own health, hygiene or surroundings|{A}
ASCS|Adult Social Care Survey|{A}
SACE|Survey of Adult Carers in England|{A}
ASCOF|Adult Social Care Outcomes Framework|{A}
case tracking|inspectors following individual people's cases|{A}
peer challenge|review of a council by officers and members from other councils|{L}
co-production|designing services together with the people who use them|{A}
Making It Real|framework of 'I' and 'we' statements about personalised care|{A}
transitions|moving from children's to adult services|{A}
PfA|Preparing for Adulthood|{A}
I statements|statements describing care from the person's point of view|{A}
"""
M['p05']=f"""
Discharge to Assess|hospital discharge before a full assessment of long-term needs, which happens at home or in a bed|{A}
discharge-to-assess|hospital discharge before a full assessment of long-term needs|{A}
discharge to assess|hospital discharge before a full assessment of long-term needs|{A}
Intermediate Care|short-term services to avoid hospital admission or aid recovery after discharge|{A}
Intermediate care|short-term services to avoid hospital admission or aid recovery after discharge|{A}
intermediate care|short-term services to avoid hospital admission or aid recovery after discharge|{A}
HWB|Health and Wellbeing Board|{L}
ICB|integrated care board (local NHS commissioning body)|{N}
BCF|Better Care Fund, pooled NHS and council budget|{F}
Discharge Fund|national grant to speed hospital discharge|{F}
NCTR|no criteria to reside (patients well enough to leave hospital)|{N}
acute trust|NHS trust running the main hospital|{N}
G&A|general and acute (hospital beds)|{N}
P0|discharge pathway 0: home with no new support|{N}
Pathway 1|discharge pathway 1: home with support|{N}
P1|discharge pathway 1: home with support|{N}
P2|discharge pathway 2: short-term bed-based rehabilitation|{N}
P3|discharge pathway 3: long-term residential or nursing care|{N}
reablement|short-term care helping people regain independence|{A}
Reablement|short-term care helping people regain independence|{A}
discharge-ready date|date a patient is judged ready to leave hospital|{N}
LoS|length of stay|{N}
LOS|length of stay|{N}
interim beds|temporary care home beds used while longer-term plans are made|{A}
Care Act assessment|assessment of care needs under the Care Act 2014|{A}
TOCH|transfer of care hub coordinating complex discharges|{N}
EDD|expected date of discharge|{N}
trusted assessors|staff allowed to assess on behalf of another service|{A}
super-stranded|patients in hospital for 21 days or more|{N}
ASCOF|Adult Social Care Outcomes Framework|{A}
IC|intermediate care|{A}
step-down|beds for people leaving hospital who are not ready to go home|{A}
step-up|beds for people at home who need extra care to avoid admission|{A}
UCR|urgent community response (two-hour crisis care at home)|{N}
Virtual wards|hospital-level care delivered at home with remote monitoring|{N}
D2A|discharge to assess|{A}
iBCF|improved Better Care Fund|{F}
Spot-purchased|bought one at a time rather than under a block contract|{F}
block beds|beds paid for in advance under a block contract|{A}
OT|occupational therapy|{N}
Section 75|NHS Act 2006 agreement to pool budgets between NHS and council|{L}
Home First|approach of discharging people to their own home wherever possible|{A}
"""
M['p06']=f"""
MSIF|Market Sustainability and Improvement Fund|{F}
fee uplifts|increases in the rates the council pays care providers|{F}
uplift|increase in the rate paid to providers|{F}
ASC-WDS|Adult Social Care Workforce Data Set|{W}
filled posts|posts that are occupied by a worker|{W}
independent sector|private and voluntary care providers|{A}
Domiciliary care|care provided in people's own homes|{A}
domiciliary|home care|{A}
RN|registered nurse|{W}
zero-hours contracts|contracts with no guaranteed hours|{W}
Health and Care Worker visa|immigration route for overseas health and care staff|{W}
sponsor|employer licensed to sponsor overseas workers' visas|{W}
Care Certificate|standard induction training for care workers|{W}
homecare|care provided in people's own homes|{A}
EMI|elderly mentally infirm (dementia care beds)|{A}
FNC|NHS-funded nursing care contribution|{N}
Self-funders|people who pay for their own care|{A}
third-party top-ups|extra payments by family to cover a care home's higher fee|{A}
FCoC|Fair Cost of Care exercise on what care should cost|{F}
NLW|National Living Wage (legal minimum)|{W}
NICs|National Insurance contributions|{F}
RLW|Real Living Wage (voluntary, higher rate)|{W}
ethical care charter|UNISON standard on homecare pay and conditions|{A}
dom care|domiciliary (home) care|{A}
s.5|section 5 Care Act: duty to promote the care market|{A}
s.48|section 48 Care Act: temporary duty when a provider fails|{A}
Personal assistants|care workers employed directly by the person receiving care|{A}
PAs|personal assistants employed through direct payments|{A}
PA|personal assistant employed through a direct payment|{A}
DPs|direct payments|{A}
DP|direct payment|{A}
ASC precept|extra council tax ring-fenced for adult social care|{F}
base budget|the council's ongoing core budget|{F}
MPS|market position statement|{A}
block contract|contract buying a fixed volume in advance|{F}
RI|Requires Improvement (CQC rating)|{A}
"""
M['p07']=f"""
decile|one tenth of areas ranked by deprivation|{PH}
IMD|Index of Multiple Deprivation|{PH}
SII|slope index of inequality (gap measure across all deprivation levels)|{PH}
HLE|healthy life expectancy|{PH}
LSOAs|lower-layer super output areas (small statistical areas)|{PH}
CVD|cardiovascular disease|{PH}
Under-75 mortality|deaths before age 75|{PH}
DSR|directly standardised rate (adjusted for age)|{PH}
COPD|chronic obstructive pulmonary disease|{N}
quintile|one fifth of areas ranked by deprivation|{PH}
routine and manual workers|people in routine and manual jobs (ONS classification)|{PH}
SMI|serious mental illness|{N}
wider determinants|social and economic factors that shape health|{PH}
relative poverty|household income below 60% of the median|{PH}
after housing costs|income measured after rent or mortgage is paid|{PH}
fuel poverty|being unable to afford to heat a home adequately|{PH}
JSNA|joint strategic needs assessment|{PH}
ACEs|adverse childhood experiences|{PH}
school readiness|children reaching a good level of development by the end of Reception|{PH}
Reception|first year of primary school|{E}
ICB|integrated care board (local NHS commissioning body)|{N}
Marmot principles|Sir Michael Marmot's principles for reducing health inequalities|{PH}
proportionate universalism|services for all, with more intensity where need is greater|{PH}
Core20PLUS5|NHS approach targeting the most deprived 20% plus local groups and five clinical areas|{N}
PLUS groups|locally chosen population groups with poor health outcomes|{N}
inclusion health|groups who are socially excluded, e.g. homeless people|{PH}
HWB|Health and Wellbeing Board|{L}
Health in All Policies|considering health in every council policy decision|{PH}
JHWS|joint health and wellbeing strategy|{PH}
MECC|Making Every Contact Count (brief health advice)|{PH}
ring-fenced|can only be spent on a specified purpose|{F}
Public Health Grant|ring-fenced government grant for council public health|{F}
real terms|after allowing for inflation|{F}
PHOF|Public Health Outcomes Framework|{PH}
confidence intervals|range within which the true value is likely to lie|{PH}
Slope index of inequality|measure of the gap across all deprivation levels|{PH}
"""
M['p08']=f"""
Recommissioning|buying a service again, usually through a new procurement|{L}
ISHS|integrated sexual health service|{PH}
mandated|required by law as a council public health function|{PH}
conditioned|required as a condition of the Public Health Grant|{PH}
Public Health Grant|ring-fenced government grant for council public health|{F}
p.a.|per annum (a year)|{F}
recommission|buy the service again through a new procurement|{L}
PSR|Provider Selection Regime (rules for buying health services)|{N}
open access|available without referral, from any area|{PH}
GUM|genitourinary medicine|{PH}
SRH|sexual and reproductive health (contraception)|{PH}
e-service|online service for ordering test kits|{PH}
MSM|men who have sex with men|{PH}
STI|sexually transmitted infection|{PH}
detection rate|diagnoses per 100,000 young people tested|{PH}
LARC|long-acting reversible contraception (e.g. implants, coils)|{PH}
Late HIV diagnosis|HIV diagnosed after the immune system is already damaged|{PH}
PrEP|pre-exposure prophylaxis (medication to prevent HIV)|{PH}
ISHT|integrated sexual health tariff (price list for activity)|{F}
cross-charging|billing other councils for their residents' use of services|{F}
structured treatment|formal care-planned drug or alcohol treatment|{PH}
OCUs|opiate and/or crack cocaine users|{PH}
NDTMS|National Drug Treatment Monitoring System|{PH}
successful completions|people leaving treatment free of dependence and not returning within six months|{PH}
Continuity of care|people continuing treatment after leaving prison|{PH}
Naloxone|medicine that reverses opioid overdose|{PH}
SSMTRG|Supplementary Substance Misuse Treatment and Recovery Grant|{PH}
CDP|Combating Drugs Partnership|{PH}
Residential rehab|live-in rehabilitation for drug or alcohol dependence|{PH}
inpatient detox|medically supervised withdrawal in hospital|{PH}
spot-purchased|bought one placement at a time|{F}
BBVs|blood-borne viruses (e.g. HIV, hepatitis)|{PH}
dual diagnosis|co-existing mental health and substance use problems|{PH}
IPS|individual placement and support (employment support)|{PH}
lots|separately tendered parts of a contract|{L}
lead provider model|one provider holds the contract and subcontracts others|{L}
TUPE|rules protecting staff terms when a service transfers to a new employer|{W}
KPIs|key performance indicators|{L}
Section 75|NHS Act 2006 agreement to pool or delegate functions between NHS and council|{L}
ICB|integrated care board (local NHS commissioning body)|{N}
"""
M['p09']=f"""
0–19|services for children and young people from birth to 19|{PH}
0-19|services for children and young people from birth to 19|{PH}
Healthy Child Programme|national public health programme for children from pregnancy to 19|{PH}
HCP|Healthy Child Programme|{PH}
Section 75|NHS Act 2006 agreement to pool or delegate functions between NHS and council|{L}
community trust|NHS trust providing community health services|{N}
health visiting|public health nursing service for families with under-5s|{PH}
NCMP|National Child Measurement Programme (height and weight in Reception and Year 6)|{PH}
Mandated|required by national regulations|{PH}
mandated|required by national regulations|{PH}
NBV|new birth visit by a health visitor|{PH}
ASQ-3|Ages and Stages Questionnaire (child development check)|{PH}
DNA|did not attend (missed appointment)|{N}
was not brought|recording a child's missed appointment as the adult's responsibility|{C}
BFI|UNICEF Baby Friendly Initiative|{PH}
WTE|whole-time equivalent (post)|{W}
establishment|the approved number of posts in a team|{W}
HVs|health visitors|{PH}
HV|health visitor|{PH}
skill mix|balance of staff grades and roles in a team|{W}
CNNs|community nursery nurses|{W}
Band 4|NHS Agenda for Change pay grade|{W}
universal|offered to every family|{PH}
Universal Plus|extra short-term support for families with specific needs|{PH}
Universal Partnership Plus|ongoing multi-agency support for families with complex needs|{PH}
SCPHNs|specialist community public health nurses|{W}
SCPHN|specialist community public health nurse|{W}
ChatHealth|confidential text messaging service run by school nurses|{PH}
Reception|first year of primary school|{E}
deprivation gradient|worse outcomes the more deprived the area|{PH}
IHAs|initial health assessments for children entering care|{C}
RHAs|review health assessments for children in care|{C}
ICPCs|initial child protection conferences|{C}
core groups|groups of professionals and family carrying out child protection plans|{C}
RCPCs|review child protection conferences|{C}
CP|child protection|{C}
children in care|children looked after by the council|{C}
Family Hubs|local centres offering family support services|{C}
Start for Life|national programme for support from pregnancy to age two|{C}
PMH|perinatal mental health (during pregnancy and first year after birth)|{N}
recommissioning|buying the service again through a new procurement|{L}
"""
M['p10']=f"""
Urgent and Emergency Care|A&E, ambulance, 111 and urgent community services|{N}
UEC|urgent and emergency care|{N}
ICB|integrated care board (local NHS commissioning body)|{N}
ICS|integrated care system (NHS and partners in an area)|{N}
Four-hour|standard that patients are seen and admitted or discharged within four hours|{N}
12-hour|measure of patients spending over 12 hours in A&E|{N}
type 1|major consultant-led 24-hour A&E departments|{N}
EDs|emergency departments|{N}
ED|emergency department|{N}
DTA|decision to admit|{N}
trolley|waiting on a trolley after a decision to admit|{N}
Cat 2|category 2 ambulance calls (serious, e.g. stroke)|{N}
handovers|transfers of patients from ambulance crews to A&E|{N}
handover|transfer of a patient from ambulance crew to A&E|{N}
corridor care|patients treated in corridors because beds are full|{N}
G&A|general and acute (hospital beds)|{N}
NCTR|no criteria to reside (patients well enough to leave hospital)|{N}
SDEC|same day emergency care|{N}
virtual ward|hospital-level care delivered at home with remote monitoring|{N}
UCR|urgent community response (two-hour crisis care at home)|{N}
111|NHS 111 urgent advice line|{N}
SPA|single point of access|{N}
CAS|clinical assessment service|{N}
calling before conveying|ambulance crews consulting a clinician before taking a patient to hospital|{N}
UTCs|urgent treatment centres|{N}
minors|minor injuries and illnesses|{N}
streamed|directed to the right service on arrival|{N}
front door|the hospital's emergency entrance and assessment areas|{N}
release to respond|ambulance crews released from A&E after a set time to answer calls|{N}
pp|percentage points|{N}
RSV|respiratory syncytial virus|{N}
SCC|system coordination centre|{N}
OPEL|Operational Pressures Escalation Levels (1-4)|{N}
SHREWD|real-time system pressure dashboard|{N}
Mutual aid|providers lending staff or capacity to each other|{N}
non-recurrent|one-off funding|{F}
BCF|Better Care Fund, pooled NHS and council budget|{F}
H2|second half of the financial year|{F}
escalation beds|extra beds opened temporarily at times of pressure|{N}
CMO|chief medical officer|{N}
"""
M['p11']=f"""
RTT|referral to treatment (waiting time measure)|{N}
PTL|patient tracking list (the waiting list)|{N}
52-week waits|patients waiting over a year for treatment|{N}
65-week waiters|patients waiting over 65 weeks for treatment|{N}
T&O|trauma and orthopaedics|{N}
ENT|ear, nose and throat|{N}
Validation|checking the waiting list with patients to remove those no longer needing treatment|{N}
admitted pathways|waits for treatment needing a hospital bed or day case|{N}
P-code|clinical priority code for surgery|{N}
P2|surgical priority 2: treatment within a month|{N}
Harm reviews|clinical checks on whether long waits caused harm|{N}
capped theatre utilisation|share of planned operating time used, not counting overruns|{N}
GIRFT|Getting It Right First Time (NHS improvement programme)|{N}
day case|surgery without an overnight stay|{N}
A&G|advice and guidance from a specialist to a GP|{N}
PIFU|patient-initiated follow-up|{N}
Independent sector|private providers treating NHS patients|{N}
IS|independent sector|{N}
ERF|Elective Recovery Fund|{F}
DM01|national diagnostic waiting times return|{N}
CDCs|community diagnostic centres|{N}
FDS|Faster Diagnosis Standard (cancer diagnosed or ruled out in 28 days)|{N}
31-day|cancer standard: treatment within 31 days of decision to treat|{N}
62-day|cancer standard: treatment within 62 days of urgent referral|{N}
GI|gastrointestinal|{N}
FIT|faecal immunochemical test|{N}
2WW|two-week wait urgent cancer referral (former name)|{N}
USC|urgent suspected cancer|{N}
Best practice timed pathways|national model timelines for cancer diagnosis|{N}
Cancer Alliance|regional partnership to improve cancer services|{N}
non-specific symptoms|pathway for vague symptoms that may be cancer|{N}
histopathology|laboratory examination of tissue samples|{N}
MDT|multidisciplinary team|{N}
ICB|integrated care board (local NHS commissioning body)|{N}
"""
M['p12']=f"""
Out of area placements|mental health inpatients sent to beds away from their home area|{N}
OAP|out of area placement|{N}
OAPs|out of area placements|{N}
bed days|days a bed is occupied|{N}
CRHT|crisis resolution and home treatment team|{N}
crisis cafés|evening drop-in support as an alternative to A&E|{N}
s.136|section 136 Mental Health Act: police power to take someone to a place of safety|{N}
Section 136|section 136 Mental Health Act: police power to take someone to a place of safety|{N}
ED|emergency department|{N}
HBPoS|health-based place of safety|{N}
place of safety|location where someone is assessed under section 136|{N}
AMHP|approved mental health professional|{A}
NHS Talking Therapies|NHS service for anxiety and depression (formerly IAPT)|{N}
reliable recovery rate|share of patients who recover and improve by a reliable margin|{N}
SMI|serious mental illness|{N}
community mental health framework|national model for community mental health services|{N}
EIP|early intervention in psychosis|{N}
CYPMHS|children and young people's mental health services|{N}
MHSTs|mental health support teams in schools|{N}
neurodevelopmental|relating to conditions such as autism and ADHD|{N}
ND|neurodevelopmental / neurodivergence|{N}
needs-led|support given on the basis of need without waiting for a diagnosis|{N}
LD|learning disability|{N}
CTR|care and treatment review|{N}
C(E)TR|care, education and treatment review (for children)|{N}
DSR|dynamic support register of people at risk of admission|{N}
STOMP|Stopping Over-Medication of People with a learning disability, autism or both|{N}
annual health checks|yearly GP health check for people with a learning disability|{N}
LeDeR|Learning from Lives and Deaths review programme|{N}
Building the Right Support|national plan to reduce inpatient care for people with LD and autism|{N}
supported living|own tenancy with care and support|{A}
MHIS|Mental Health Investment Standard|{F}
ICB|integrated care board (local NHS commissioning body)|{N}
s117|section 117 Mental Health Act aftercare|{A}
aftercare|free services after detention under the Mental Health Act|{A}
MHA|Mental Health Act 1983|{N}
crisis house|short-stay residential alternative to hospital admission|{N}
"""
M['p13']=f"""
Health Overview and Scrutiny Committee|councillor committee scrutinising local health services|{L}
PCARP|Primary Care Access Recovery Plan|{N}
GP contract|national contract for general practice|{N}
ICB|integrated care board (local NHS commissioning body)|{N}
PCNs|primary care networks (groups of practices)|{N}
PCN|primary care network|{N}
GMS|General Medical Services contract|{N}
PMS|Personal Medical Services contract|{N}
APMS|Alternative Provider Medical Services contract|{N}
GPAD|GP appointment data|{N}
weighted patients|list size adjusted for age and need|{N}
F2F|face-to-face|{N}
DNA|did not attend (missed appointment)|{N}
cloud-based telephony|internet-based phone system with queuing and call-back|{N}
CBT|cloud-based telephony|{N}
MGPA|modern general practice access model|{N}
total triage|every request assessed before an appointment is given|{N}
online consultation|web form for patients to contact their practice|{N}
OC|online consultation|{N}
core hours|8am to 6.30pm on weekdays|{N}
digitally excluded|unable to use online services|{L}
Healthwatch|local independent patient watchdog|{L}
FTE|full-time equivalent|{W}
ARRS|Additional Roles Reimbursement Scheme|{W}
CPs|clinical pharmacists|{N}
FCPs|first contact practitioners (e.g. physiotherapists)|{N}
SPLWs|social prescribing link workers|{N}
PAs|physician associates|{N}
PA|physician associate|{N}
ANPs|advanced nurse practitioners|{W}
HCAs|healthcare assistants|{W}
Pharmacy First|service letting pharmacists treat common conditions|{N}
CPCS|Community Pharmacy Consultation Service|{N}
111|NHS 111 urgent advice line|{N}
Enhanced access|extra GP appointments in evenings and Saturdays|{N}
DES|directed enhanced service (national add-on contract)|{N}
QOF|Quality and Outcomes Framework|{N}
CAIP|Capacity and Access Improvement Payment|{N}
LESs|locally enhanced services (local add-on contracts)|{N}
phlebotomy|taking blood samples|{N}
PPGs|patient participation groups|{N}
"""
M['p14']=f"""
Medium-Term Financial Strategy|the council's multi-year budget plan|{F}
MTFS|medium-term financial strategy|{F}
s.151|section 151 Local Government Act 1972 chief finance officer|{F}
S151|section 151 chief finance officer|{F}
budget gap|shortfall between spending needs and funding|{F}
EFS|exceptional financial support from government|{F}
Local Government Finance Settlement|annual government decision on council funding|{F}
CSP|core spending power|{F}
Fair Funding Review|government review of how council funding is shared|{F}
RSG|revenue support grant|{F}
NNDR|national non-domestic rates (business rates)|{F}
BRR|business rates retention|{F}
Social Care Grant|government grant for adult and children's social care|{F}
MSIF|Market Sustainability and Improvement Fund|{F}
ASC precept|extra council tax ring-fenced for adult social care|{F}
referendum|local vote required if council tax rises above the limit|{F}
Band D|council tax band used as the standard comparison|{F}
tax base|number of Band D-equivalent properties liable for council tax|{F}
CTR|council tax reduction (support for low-income households)|{F}
collection fund|account for council tax and business rates collected|{F}
net revenue budget|day-to-day spending after income, funded by tax and grants|{F}
NLW|National Living Wage|{W}
FYE|full year effect|{F}
pay award|annual pay increase for staff|{W}
NICs|National Insurance contributions|{F}
DSG|Dedicated Schools Grant|{F}
statutory override|rule keeping DSG deficits off the council's main accounts|{F}
General Fund|the council's main revenue account|{F}
earmarked reserves|reserves set aside for specific purposes|{F}
capital programme|planned spending on buildings and assets|{F}
prudential borrowing|borrowing the council decides is affordable under the Prudential Code|{F}
PWLB|Public Works Loan Board (government lender to councils)|{F}
MRP|minimum revenue provision (annual charge to repay debt)|{F}
flexible use of capital receipts|using asset sale proceeds to fund transformation|{F}
FUoCR|flexible use of capital receipts|{F}
section 25|duty of the chief finance officer to report on budget robustness|{F}
section 114|notice that the council cannot balance its budget|{F}
capitalisation direction|government permission to fund revenue costs from capital|{F}
Full Council|meeting of all councillors|{L}
w.e.f.|with effect from|{L}
"""
M['p15']=f"""
Suspensions|temporary exclusions from school (formerly fixed-term exclusions)|{E}
Scrutiny|councillors' overview and scrutiny committee|{L}
PA|persistent absence (missing 10% or more of sessions)|{E}
possible sessions|half-day sessions a pupil could attend|{E}
SA|severe absence (missing 50% or more of sessions)|{E}
FSM|free school meals|{E}
EHCP|education, health and care plan|{E}
SEN Support|help for pupils with special needs who do not have an EHCP|{E}
WTSS|Working Together to Improve School Attendance (statutory guidance)|{E}
targeting support meetings|termly meetings between council and school on pupils at risk of absence|{E}
MATs|multi-academy trusts|{E}
FPNs|fixed penalty notices for absence|{E}
s.444|section 444 Education Act 1996 offence of failing to secure attendance|{E}
EWOs|education welfare officers|{E}
EBSA|emotionally based school avoidance|{E}
Early Help|support for families offered before statutory social work is needed|{C}
FTEs|fixed-term exclusions (now called suspensions)|{E}
permanent exclusions|removal of a pupil from a school's roll|{E}
PEx|permanent exclusions|{E}
KS3|Key Stage 3 (Years 7-9)|{E}
KS4|Key Stage 4 (Years 10-11)|{E}
CLA|children looked after|{C}
CIN|child in need|{C}
Virtual School|council team that promotes the education of children in care|{E}
governors' panel|school governors' meeting considering an exclusion|{E}
IRP|independent review panel for permanent exclusions|{E}
managed moves|agreed transfer of a pupil to another school|{E}
off-rolling|removing a pupil from the roll in the school's rather than the pupil's interest|{E}
RSC|Regional Schools Commissioner (now DfE regional director)|{E}
in-year admissions|school admissions outside the normal entry point|{E}
Fair Access Protocol|local arrangement to place hard-to-place pupils in school|{E}
IYFA|in-year fair access|{E}
AP|alternative provision|{E}
on roll|registered as a pupil at the school|{E}
PRU|pupil referral unit|{E}
EHE|elective home education|{E}
SEND|special educational needs and disabilities|{E}
CME|children missing education|{E}
"""
def pat(t):
    return re.compile(r'(?<!\w)'+r'\s+'.join(re.escape(w) for w in t.split())+r'(?!\w)')
rows=[]
for p in sorted(M):
    txt=open(p+'.md',encoding='utf-8').read()
    for line in M[p].strip().splitlines():
        term,meaning,sector=line.split('|')
        n=len(pat(term).findall(txt))
        if n==0: print('ZERO (dropped)',p,term); continue
        rows.append([p,term,n,meaning,sector])
with open('marks.csv','w',newline='',encoding='utf-8') as f:
    w=csv.writer(f); w.writerow(['passage','term','count','meaning','sector']); w.writerows(rows)
print(len(rows),'rows',sum(r[2] for r in rows),'occurrences')
