-- Cloud Map namespaces keep their type in attr as well as status, so that a
-- TYPE filter pages through the attr index; rows written before kept it in
-- status alone.
UPDATE resources SET attr = status
WHERE kind = 'servicediscovery/namespace' AND attr = '' AND status != '';

-- IAM delegation requests keep the requestor account in parent and "/" and
-- the requestor's workflow id in status, and the owner account in name once
-- an owner identity has associated the request, so that ListDelegationRequests
-- reads an account's requests through the parent and name indexes. Rows
-- written before kept the owner account in parent, "requestor/workflow" in
-- name and the state (never starting with "/") in status.
UPDATE resources SET
	parent = substr(name, 1, instr(name, '/') - 1),
	status = substr(name, instr(name, '/')),
	name = CASE WHEN json_extract(doc, '$.OwnerId') IS NOT NULL THEN parent ELSE '' END
WHERE kind = 'iam/delegation-request' AND instr(name, '/') > 0 AND substr(status, 1, 1) != '/';
