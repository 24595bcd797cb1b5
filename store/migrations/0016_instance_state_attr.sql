-- EC2 instances keep their state name in attr as well as in status, so that
-- the instances in a state that time changes (pending, stopping,
-- shutting-down, terminated) are found through resources_attr without
-- reading every instance.
UPDATE resources SET attr = status WHERE kind = 'ec2/instance' AND attr = '';
