-- What followed each reablement (ST-Max) episode of a new client that ended in the period: the rows of
-- NHS England's SALT STS002a table, as its CLD-to-ASCOF code builds them for ASCOF 2A
-- (NHSDigital/ASC-Client-Level-Data-SALT-ASCOF-transformations, commit 2d6d650e: "SALT STS001/STS001
-- replication code" for the cohort, "ASCOF 2A/ASCOF 2A replication code" for the sequels).
-- CTE names follow the temporary tables of that code; its quirks are kept, each marked "as NHS England".
-- Three steps have no counterpart in one store: the latest submission of an event (one load here),
-- the LA code (one council) and the amalgamated NHS/LA identifier (the person index's person_id).
-- SQL Server compares text without regard to case: every text comparison here is on LOWER().
-- Ties in a LAG ordered by start date alone are arbitrary in SQL Server; here the end date (open
-- last), event type, service type and outcome break them.
WITH
all_events AS (  -- #SUBSET_BUILD (2A): service users' requests, assessments, services and reviews started by the period end
  SELECT person_id AS id, event_type, start_date, end_date, route_of_access, service_type, event_outcome,
         person_birth_year, person_birth_month, person_date_of_death
  FROM asc_event
  WHERE client_type = 'service_user' AND event_type IN ('request', 'assessment', 'service', 'review')
    AND start_date <= :period_end
),
sts001_events AS (  -- #ALL_EVENTS (STS001): also a known birth month and year, and alive at the period start
  SELECT * FROM all_events
  WHERE person_birth_year IS NOT NULL AND person_birth_month IS NOT NULL
    AND (person_date_of_death >= :period_start OR person_date_of_death IS NULL)
),
requests_build AS (  -- #REQUESTS_BUILD: an open request ends 'today' (far in the future here) so that it chains
  SELECT id, start_date, COALESCE(end_date, CAST('9999-12-31' AS DATE)) AS end_date, route_of_access, event_outcome
  FROM sts001_events WHERE event_type = 'request'
),
requests_islands AS (  -- islands and gaps: a request more than 4 days after the previous one's end starts a new cluster
  SELECT id, start_date, end_date, route_of_access, event_outcome,
         SUM(CASE WHEN prev_end >= start_date - INTERVAL 4 DAY THEN 0 ELSE 1 END)
             OVER (PARTITION BY id ORDER BY drn) AS request_count
  FROM (SELECT *, DENSE_RANK() OVER (PARTITION BY id ORDER BY start_date, end_date) AS drn,
               LAG(end_date) OVER (PARTITION BY id ORDER BY start_date, end_date) AS prev_end
        FROM requests_build) AS g
),
requests AS (  -- #REQUESTS: of each cluster's rows that end in the period, the latest end is the cluster's end
  SELECT DISTINCT id, cluster_start, end_date AS cluster_end, route_of_access, event_outcome, request_count
  FROM (SELECT *, DENSE_RANK() OVER (PARTITION BY id, request_count ORDER BY end_date DESC) AS rn
        FROM (SELECT *, MIN(start_date) OVER (PARTITION BY id, request_count) AS cluster_start
              FROM requests_islands) AS w
        WHERE end_date BETWEEN :period_start AND :period_end) AS r
  WHERE rn = 1
),
requests_new_clients AS (  -- #REQUESTS_NEW_CLIENTS: no long-term support open when the cluster started
  -- as NHS England: the anti-join matches on route and outcome too, so a NULL in either keeps the request
  SELECT r.* FROM requests AS r
  WHERE r.route_of_access IS NULL OR r.event_outcome IS NULL OR NOT EXISTS (
    SELECT 1 FROM sts001_events AS s
    WHERE s.id = r.id
      AND LOWER(s.service_type) IN ('long term support: nursing care', 'long term support: residential care',
                                    'long term support: community', 'long term support: prison')
      AND ((r.cluster_start BETWEEN s.start_date AND s.end_date) OR (r.cluster_start >= s.start_date AND s.end_date IS NULL)))
),
requests_ranked AS (  -- #EVENT_OUTCOME_HIERARCHY (STS001)
  SELECT *, CASE LOWER(event_outcome)
      WHEN 'progress to reablement/st-max' THEN 1 WHEN 'progress to assessment' THEN 2 WHEN 'admitted to hospital' THEN 3
      WHEN 'progress to re-assessment / unplanned review' THEN 4 WHEN 'progress to support planning / services' THEN 5
      WHEN 'progress to end of life care' THEN 6 WHEN 'no change in package' THEN 7 WHEN 'service ended as planned' THEN 8
      WHEN 'progress to financial assessment' THEN 9 WHEN 'provision of service' THEN 10 WHEN 'nfa - deceased' THEN 11
      WHEN 'nfa - moved to another la' THEN 12 WHEN 'nfa - 100% nhs-funded care' THEN 13
      WHEN 'nfa - information & advice / signposting only' THEN 14 WHEN 'nfa - self-funded client (inc. 12wk disregard)' THEN 15
      WHEN 'nfa - support declined' THEN 16 WHEN 'nfa - support ended – other reason' THEN 17
      WHEN 'nfa - no services offered - other reason' THEN 18 WHEN 'nfa- other' THEN 19 ELSE 99 END AS outcome_rank
  FROM requests_new_clients
),
requests_dedupe AS (  -- #REQUESTS_NEW_CLIENTS_DeDupe: the best-ranked outcome (as NHS England, one row per matching best row)
  SELECT a.* FROM requests_ranked AS a
  JOIN (SELECT * FROM (SELECT *, DENSE_RANK() OVER (PARTITION BY id, request_count ORDER BY outcome_rank) AS rn
                       FROM requests_ranked) AS x WHERE rn = 1) AS b
    ON b.id = a.id AND b.request_count = a.request_count AND b.route_of_access = a.route_of_access
   AND b.outcome_rank = a.outcome_rank
),
request_sequels AS (  -- #REQUEST_SEQUELS: every event that starts on or after the cluster's end
  SELECT a.id, a.request_count, a.cluster_start, a.cluster_end,
         b.event_type AS s_type, b.start_date AS s_start, b.end_date AS s_end, b.service_type AS s_service,
         b.event_outcome AS s_outcome,
         DENSE_RANK() OVER (PARTITION BY a.id, a.request_count ORDER BY b.start_date) AS rn
  FROM requests_dedupe AS a JOIN sts001_events AS b ON b.id = a.id AND b.start_date >= a.cluster_end
),
request_sequels_kept AS (  -- the request itself is not its own sequel (rn is ranked before this, as NHS England)
  SELECT * FROM request_sequels
  WHERE NOT COALESCE(s_type = 'request' AND (cluster_start = s_start OR cluster_end = s_end), FALSE)
),
request_cluster AS (  -- #CLUSTER (STS001): a chain with gaps of 3 days at most, its first event within 28 days
  SELECT *, MIN(in_chain) OVER (PARTITION BY id, request_count ORDER BY s_start) AS in_scope
  FROM (SELECT *, CASE WHEN s_end IS NULL AND rn = 1 THEN 1
                       WHEN DATE_DIFF('day', cluster_end, s_start) > 28 AND rn = 1 THEN 0
                       ELSE MIN(flag) OVER (PARTITION BY id, request_count ORDER BY s_start) END AS in_chain
        FROM (SELECT *, CASE WHEN DATE_DIFF('day', LAG(s_end) OVER (PARTITION BY id, request_count
                                   ORDER BY s_start, s_end NULLS LAST, s_type, s_service, s_outcome), s_start) > 3
                             THEN 0 ELSE 1 END AS flag
              FROM request_sequels_kept) AS f) AS c
),
request_chain AS (  -- #REQUESTS_WITH_BREAKS: in scope, and before any later request
  SELECT * FROM (SELECT *, MIN(CASE WHEN s_type = 'request' THEN 0 ELSE 1 END)
                               OVER (PARTITION BY id, request_count ORDER BY s_start) AS no_request
                 FROM request_cluster) AS b
  WHERE in_scope = 1 AND no_request = 1
),
st_max_cohort AS (  -- SALT_STS002a_Cohort: ST-Max ranks first among sequels, so every ST-Max in the chain is one
  SELECT DISTINCT id, s_start AS st_max_start FROM request_chain
  WHERE LOWER(s_service) = 'short term support: st-max'
),
st_max_build AS (  -- #ST_MAX_BUILD: those ST-Max events of people alive at the period start
  SELECT DISTINCT a.id, a.start_date, COALESCE(a.end_date, CAST('9999-12-31' AS DATE)) AS end_date, a.event_outcome
  FROM all_events AS a JOIN st_max_cohort AS c ON c.id = a.id AND c.st_max_start = a.start_date
  WHERE a.event_type = 'service' AND LOWER(a.service_type) = 'short term support: st-max'
    AND (a.person_date_of_death >= :period_start OR a.person_date_of_death IS NULL)
),
st_max_islands AS (  -- islands and gaps: more than 1 day after the previous episode's end starts a new cluster
  SELECT id, start_date, end_date, event_outcome,
         SUM(CASE WHEN prev_end >= start_date - INTERVAL 1 DAY THEN 0 ELSE 1 END)
             OVER (PARTITION BY id ORDER BY drn) AS st_max_count
  FROM (SELECT *, DENSE_RANK() OVER (PARTITION BY id ORDER BY start_date, end_date) AS drn,
               LAG(end_date) OVER (PARTITION BY id ORDER BY start_date, end_date) AS prev_end
        FROM st_max_build) AS g
),
st_max AS (  -- #ST_MAX_Latest_End, then #ST_MAX: clusters whose latest end falls in the period
  SELECT DISTINCT id, cluster_start, end_date AS cluster_end, event_outcome, st_max_count
  FROM (SELECT *, DENSE_RANK() OVER (PARTITION BY id, st_max_count ORDER BY end_date DESC) AS rn
        FROM (SELECT *, MIN(start_date) OVER (PARTITION BY id, st_max_count) AS cluster_start
              FROM st_max_islands) AS w) AS r
  WHERE rn = 1 AND end_date BETWEEN :period_start AND :period_end
),
st_max_ranked AS (  -- #EVENT_OUTCOME_HIERARCHY (2A)
  SELECT *, CASE LOWER(event_outcome)
      WHEN 'progress to reablement/st-max' THEN 1 WHEN 'progress to assessment' THEN 2 WHEN 'admitted to hospital' THEN 3
      WHEN 'progress to re-assessment / unplanned review' THEN 4 WHEN 'progress to support planning / services' THEN 5
      WHEN 'progress to end of life care' THEN 6 WHEN 'no change in package' THEN 7 WHEN 'service ended as planned' THEN 8
      WHEN 'progress to financial assessment' THEN 9 WHEN 'provision of service' THEN 10 WHEN 'nfa - deceased' THEN 11
      WHEN 'nfa - moved to another la' THEN 12 WHEN 'nfa - 100% nhs-funded care' THEN 13
      WHEN 'nfa - information & advice / signposting only' THEN 14 WHEN 'nfa - self-funded client (inc. 12wk disregard)' THEN 15
      WHEN 'nfa - support declined' THEN 16 WHEN 'nfa - support ended – other reason' THEN 17
      WHEN 'nfa - no services offered - other reason' THEN 18 WHEN 'nfa- other' THEN 19 ELSE 99 END AS outcome_rank
  FROM st_max
),
st_max_dedupe AS (  -- #ST_MAX_NEW_CLIENTS_DeDupe (as NHS England, one row per matching best row)
  SELECT a.* FROM st_max_ranked AS a
  JOIN (SELECT * FROM (SELECT *, DENSE_RANK() OVER (PARTITION BY id, st_max_count ORDER BY outcome_rank) AS rn
                       FROM st_max_ranked) AS x WHERE rn = 1) AS b
    ON b.id = a.id AND b.st_max_count = a.st_max_count AND b.outcome_rank = a.outcome_rank
),
st_max_sequels AS (  -- #ST_MAX_SEQUELS
  SELECT a.id, a.st_max_count, a.cluster_start, a.cluster_end, a.event_outcome,
         b.event_type AS s_type, b.start_date AS s_start, b.end_date AS s_end, b.service_type AS s_service,
         b.event_outcome AS s_outcome,
         DENSE_RANK() OVER (PARTITION BY a.id, a.st_max_count ORDER BY b.start_date) AS rn
  FROM st_max_dedupe AS a JOIN all_events AS b ON b.id = a.id AND b.start_date >= a.cluster_end
),
st_max_sequels_kept AS (  -- the cluster's own ST-Max is not its sequel
  SELECT * FROM st_max_sequels
  WHERE NOT COALESCE(LOWER(s_service) = 'short term support: st-max' AND (cluster_start = s_start OR cluster_end = s_end), FALSE)
),
no_chronology AS (  -- #NO_SEQUEL_CHRONOLOGY (record type 1); as NHS England, a NULL outcome never finds its sequels
  SELECT DISTINCT a.id, a.cluster_start, a.cluster_end, a.st_max_count, a.event_outcome
  FROM st_max_dedupe AS a
  WHERE NOT EXISTS (SELECT 1 FROM st_max_sequels_kept AS b
                    WHERE b.id = a.id AND b.cluster_start = a.cluster_start AND b.cluster_end = a.cluster_end
                      AND b.event_outcome = a.event_outcome AND b.st_max_count = a.st_max_count)
),
st_max_cluster AS (  -- #CLUSTER (2A): a chain with gaps of 3 days at most, its first event within 3 days
  SELECT *, MIN(in_chain) OVER (PARTITION BY id, st_max_count ORDER BY s_start) AS in_scope
  FROM (SELECT *, CASE WHEN s_end IS NULL AND rn = 1 THEN 1
                       WHEN DATE_DIFF('day', cluster_end, s_start) > 3 AND rn = 1 THEN 0
                       ELSE MIN(flag) OVER (PARTITION BY id, st_max_count ORDER BY s_start) END AS in_chain
        FROM (SELECT *, CASE WHEN DATE_DIFF('day', LAG(s_end) OVER (PARTITION BY id, st_max_count
                                   ORDER BY s_start, s_end NULLS LAST, s_type, s_service, s_outcome), s_start) > 3
                             THEN 0 ELSE 1 END AS flag
              FROM st_max_sequels_kept) AS f) AS c
),
st_max_chain AS (  -- #ST_MAX_WITH_BREAKS: in scope, before any later ST-Max, services ranked
  SELECT *, CASE LOWER(s_service)
      WHEN 'long term support: nursing care' THEN 1 WHEN 'long term support: residential care' THEN 2
      WHEN 'long term support: community' THEN 3 WHEN 'long term support: prison' THEN 4
      WHEN 'short term support: ongoing low level' THEN 5 WHEN 'short term support: other short term' THEN 6
      ELSE 99 END AS service_rank
  FROM (SELECT *, MIN(CASE WHEN LOWER(s_service) = 'short term support: st-max' THEN 0 ELSE 1 END)
                      OVER (PARTITION BY id, st_max_count ORDER BY s_start) AS no_st_max
        FROM st_max_cluster) AS b
  WHERE in_scope = 1 AND no_st_max = 1
),
chain_best AS (
  SELECT *, MIN(service_rank) OVER (PARTITION BY id, st_max_count) AS cluster_outcome FROM st_max_chain
),
next_services AS (  -- #FIND_NEXT_SERVICES (record type 2)
  SELECT DISTINCT id, cluster_start, cluster_end, event_outcome, st_max_count, s_service
  FROM chain_best WHERE service_rank = cluster_outcome AND cluster_outcome <> 99
),
next_other AS (  -- #FIND_NEXT_OTHER: no service in the chain
  SELECT DISTINCT id, cluster_start, cluster_end, event_outcome, st_max_count, s_type, s_start, s_end, s_outcome,
         DENSE_RANK() OVER (PARTITION BY id, st_max_count ORDER BY s_end DESC NULLS LAST) AS rn
  FROM chain_best WHERE cluster_outcome = 99
),
next_other_nfa AS (  -- #FIND_NEXT_OTHER_NFA: the latest-ending NFA outcomes in the chain
  SELECT a.id, a.st_max_count, a.s_outcome, COUNT(a.id) OVER (PARTITION BY a.id, a.st_max_count) AS nfa_count
  FROM next_other AS a
  JOIN (SELECT id, st_max_count, MIN(rn) AS first_rn FROM next_other WHERE LOWER(s_outcome) LIKE 'nfa%'
        GROUP BY id, st_max_count) AS b ON b.id = a.id AND b.st_max_count = a.st_max_count AND b.first_rn = a.rn
  WHERE LOWER(a.s_outcome) LIKE 'nfa%'
),
next_other_no_outcome AS (  -- #FIND_NEXT_OTHER_No_Outcome (record type 4)
  SELECT DISTINCT a.id, a.st_max_count, a.event_outcome FROM next_other AS a
  WHERE NOT EXISTS (SELECT 1 FROM next_other_nfa AS b WHERE b.id = a.id AND b.st_max_count = a.st_max_count)
),
out_of_scope AS (  -- #FIND_NEXT_OUT_OF_SCOPE (record type 5): chronology, none of it in scope
  SELECT DISTINCT a.id, a.cluster_start, a.cluster_end, a.st_max_count, a.event_outcome
  FROM st_max_cluster AS a
  WHERE NOT EXISTS (SELECT 1 FROM st_max_chain AS b
                    WHERE b.id = a.id AND b.cluster_start = a.cluster_start AND b.cluster_end = a.cluster_end
                      AND b.event_outcome = a.event_outcome)
),
sts002a AS (
  SELECT id, 1 AS record_type, event_outcome AS outcome, event_outcome AS mapped_from FROM no_chronology
  UNION ALL
  SELECT id, 2, s_service, s_service FROM next_services
  UNION ALL
  -- as NHS England, DISTINCT on person and outcome: two clusters of one person with one NFA outcome count once
  SELECT DISTINCT id, 3, CASE WHEN nfa_count = 1 THEN s_outcome ELSE 'NFA- Other' END,
                  CASE WHEN nfa_count = 1 THEN s_outcome ELSE 'NFA- Other' END FROM next_other_nfa
  UNION ALL
  SELECT id, 4, event_outcome, event_outcome FROM next_other_no_outcome
  UNION ALL
  SELECT id, 5, event_outcome, event_outcome FROM out_of_scope
),
sts002a_mapped AS (  -- #REF_ST_MAX_Sequel_Mappings and the CASEs of each insert
  SELECT id, record_type, outcome,
    CASE
      WHEN record_type IN (1, 5) AND LOWER(mapped_from) = 'service ended as planned' THEN 'No services provided – other'
      -- as NHS England, record type 4 writes a hyphen where the others write an en dash, so it misses the lists
      WHEN record_type = 4 AND LOWER(mapped_from) = 'service ended as planned' THEN 'No services provided - other'
      WHEN record_type = 4 AND COALESCE(LOWER(mapped_from) NOT LIKE 'nfa%', TRUE) THEN 'No Service Found'
      ELSE CASE WHEN record_type IN (1, 5) THEN 'No_Chronology_' ELSE '' END || COALESCE(CASE LOWER(mapped_from)
        WHEN 'nfa - 100% nhs funded care' THEN 'Early cessation of service (not leading to long term support) - 100% NHS funded care/End of Life/deceased'
        WHEN 'nfa - deceased' THEN 'Early cessation of service (not leading to long term support) - 100% NHS funded care/End of Life/deceased'
        WHEN 'nfa - self-funded client (inc. 12wk disregard)' THEN 'No services provided – needs identified but self-funding'
        WHEN 'nfa - support declined' THEN 'No services provided – needs identified but support declined'
        WHEN 'nfa - information & advice / signposting only' THEN 'No Services Provided – Universal Services / signposted to other services'
        WHEN 'nfa - moved to another la' THEN 'No services provided – other'
        WHEN 'nfa- other' THEN 'No services provided – other'
        WHEN 'nfa - no services offered: other reason' THEN 'No services provided – other'
        WHEN 'nfa - support ended: other reason' THEN 'No services provided – other'
        WHEN 'progress to end of life care' THEN 'No services provided – other'
        WHEN 'admitted to hospital' THEN 'No services provided – other'
        WHEN 'long term support: nursing care' THEN 'Long Term Support (any setting)'
        WHEN 'long term support: residential care' THEN 'Long Term Support (any setting)'
        WHEN 'long term support: community' THEN 'Long Term Support (any setting)'
        WHEN 'long term support: prison' THEN 'Long Term Support (any setting)'
        WHEN 'short term support: ongoing low level' THEN 'Ongoing Low Level Support'
        WHEN 'short term support: other short term' THEN 'Short Term Support (other)'
        WHEN 'no service found' THEN 'No Service Found'
      END, CASE WHEN record_type IN (1, 5) THEN 'Unable_To_Classify' END)
    END AS sequel
  FROM sts002a
)
SELECT s.record_type, s.outcome, s.sequel, p.person_id, p.person_birth_year, p.person_birth_month, p.person_sex,
       p.person_ethnicity_group, p.person_lsoa21, p.person_imd_decile, p.person_ward_code, p.person_date_of_death,
       p.person_sectors
FROM sts002a_mapped AS s JOIN person AS p ON p.person_id = s.id
