package iam_test

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestExtrasCredentialReport(t *testing.T) {
	_, client := coreStart(t)
	_, err := client.GetCredentialReport(harness.Ctx, &iam.GetCredentialReportInput{})
	harness.AssertError(t, err, "ReportNotPresent", 410, "")

	extrasCreateUser(t, client, "carol")
	harness.Must(client.CreateLoginProfile(harness.Ctx, &iam.CreateLoginProfileInput{UserName: aws.String("carol"), Password: aws.String("Sup3r-Secret-Pw!")}))(t)
	harness.Must(client.CreateAccessKey(harness.Ctx, &iam.CreateAccessKeyInput{UserName: aws.String("carol")}))(t)
	extrasCreateUser(t, client, "dave")

	gen := harness.Must(client.GenerateCredentialReport(harness.Ctx, &iam.GenerateCredentialReportInput{}))(t)
	if gen.State != types.ReportStateTypeStarted || aws.ToString(gen.Description) == "" {
		t.Fatalf("first generate %+v", gen)
	}
	if again := harness.Must(client.GenerateCredentialReport(harness.Ctx, &iam.GenerateCredentialReportInput{}))(t); again.State != types.ReportStateTypeComplete {
		t.Fatalf("second generate %+v", again)
	}
	rep := harness.Must(client.GetCredentialReport(harness.Ctx, &iam.GetCredentialReportInput{}))(t)
	if rep.ReportFormat != types.ReportFormatTypeTextCsv || rep.GeneratedTime == nil {
		t.Fatalf("report %+v", rep)
	}
	rows, err := csv.NewReader(strings.NewReader(string(rep.Content))).ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v\n%s", err, rep.Content)
	}
	const header = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active," +
		"access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service," +
		"access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service," +
		"cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
	if len(rows) != 4 || strings.Join(rows[0], ",") != header {
		t.Fatalf("report rows:\n%s", rep.Content)
	}
	root, carol, dave := rows[1], rows[2], rows[3]
	if root[0] != "<root_account>" || root[1] != "arn:aws:iam::000000000000:root" || root[3] != "not_supported" {
		t.Errorf("root row %v", root)
	}
	if carol[0] != "carol" || carol[1] != "arn:aws:iam::000000000000:user/carol" || carol[3] != "true" || carol[4] != "no_information" ||
		carol[7] != "false" || carol[8] != "true" || carol[9] == "N/A" || carol[10] != "N/A" || carol[13] != "false" {
		t.Errorf("carol row %v", carol)
	}
	if dave[3] != "false" || dave[4] != "N/A" || dave[5] != "N/A" || dave[8] != "false" || dave[9] != "N/A" {
		t.Errorf("dave row %v", dave)
	}
	if !strings.HasSuffix(carol[2], "+00:00") {
		t.Errorf("creation time %q is not ISO 8601 with +00:00", carol[2])
	}
}

const extrasECSPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecs:Describe*","ecs:List*","logs:CreateLogStream"],"Resource":"*"},` +
	`{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`

func TestExtrasServiceLastAccessed(t *testing.T) {
	_, client := coreStart(t)
	extrasCreateUser(t, client, "erin")
	harness.Must(client.CreateGroup(harness.Ctx, &iam.CreateGroupInput{GroupName: aws.String("ops")}))(t)
	harness.Must(client.AddUserToGroup(harness.Ctx, &iam.AddUserToGroupInput{GroupName: aws.String("ops"), UserName: aws.String("erin")}))(t)
	harness.Must(client.PutGroupPolicy(harness.Ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("ops"), PolicyName: aws.String("ecs-read"),
		PolicyDocument: aws.String(extrasECSPolicy)}))(t)
	pol := harness.Must(client.CreatePolicy(harness.Ctx, &iam.CreatePolicyInput{PolicyName: aws.String("sqs"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}}`)}))(t).Policy
	harness.Must(client.AttachUserPolicy(harness.Ctx, &iam.AttachUserPolicyInput{UserName: aws.String("erin"), PolicyArn: pol.Arn}))(t)
	userArn := "arn:aws:iam::000000000000:user/erin"

	job := harness.Must(client.GenerateServiceLastAccessedDetails(harness.Ctx, &iam.GenerateServiceLastAccessedDetailsInput{Arn: aws.String(userArn)}))(t)
	det := harness.Must(client.GetServiceLastAccessedDetails(harness.Ctx, &iam.GetServiceLastAccessedDetailsInput{JobId: job.JobId}))(t)
	if det.JobStatus != types.JobStatusTypeCompleted || det.JobType != types.AccessAdvisorUsageGranularityTypeServiceLevel || det.JobCompletionDate == nil {
		t.Fatalf("details %+v", det)
	}
	var namespaces []string
	for _, s := range det.ServicesLastAccessed {
		namespaces = append(namespaces, aws.ToString(s.ServiceNamespace))
	}
	if strings.Join(namespaces, ",") != "ecs,logs,sqs" {
		t.Fatalf("namespaces %v", namespaces)
	}
	if aws.ToString(det.ServicesLastAccessed[0].ServiceName) != "Amazon Elastic Container Service" || det.ServicesLastAccessed[0].LastAuthenticated != nil {
		t.Errorf("ecs entry %+v", det.ServicesLastAccessed[0])
	}
	page := harness.Must(client.GetServiceLastAccessedDetails(harness.Ctx, &iam.GetServiceLastAccessedDetailsInput{JobId: job.JobId, MaxItems: aws.Int32(2)}))(t)
	if len(page.ServicesLastAccessed) != 2 || !page.IsTruncated {
		t.Fatalf("page %+v", page)
	}
	rest := harness.Must(client.GetServiceLastAccessedDetails(harness.Ctx, &iam.GetServiceLastAccessedDetailsInput{JobId: job.JobId, Marker: page.Marker}))(t)
	if len(rest.ServicesLastAccessed) != 1 || rest.IsTruncated {
		t.Fatalf("second page %+v", rest)
	}

	// A group's report names the members who could use the service.
	gjob := harness.Must(client.GenerateServiceLastAccessedDetails(harness.Ctx, &iam.GenerateServiceLastAccessedDetailsInput{
		Arn: aws.String("arn:aws:iam::000000000000:group/ops"), Granularity: types.AccessAdvisorUsageGranularityTypeActionLevel}))(t)
	ents := harness.Must(client.GetServiceLastAccessedDetailsWithEntities(harness.Ctx, &iam.GetServiceLastAccessedDetailsWithEntitiesInput{
		JobId: gjob.JobId, ServiceNamespace: aws.String("ecs")}))(t)
	if len(ents.EntityDetailsList) != 1 || aws.ToString(ents.EntityDetailsList[0].EntityInfo.Arn) != userArn ||
		ents.EntityDetailsList[0].EntityInfo.Type != types.PolicyOwnerEntityTypeUser {
		t.Fatalf("entities %+v", ents.EntityDetailsList)
	}
	none := harness.Must(client.GetServiceLastAccessedDetailsWithEntities(harness.Ctx, &iam.GetServiceLastAccessedDetailsWithEntitiesInput{
		JobId: gjob.JobId, ServiceNamespace: aws.String("sqs")}))(t)
	if len(none.EntityDetailsList) != 0 {
		t.Errorf("sqs is not granted by the group: %+v", none.EntityDetailsList)
	}

	grants := harness.Must(client.ListPoliciesGrantingServiceAccess(harness.Ctx, &iam.ListPoliciesGrantingServiceAccessInput{
		Arn: aws.String(userArn), ServiceNamespaces: []string{"ecs", "sqs", "s3"}}))(t).PoliciesGrantingServiceAccess
	if len(grants) != 3 {
		t.Fatalf("grants %+v", grants)
	}
	ecs, sqs, s3 := grants[0].Policies, grants[1].Policies, grants[2].Policies
	if len(ecs) != 1 || aws.ToString(ecs[0].PolicyName) != "ecs-read" || ecs[0].PolicyType != types.PolicyTypeInline ||
		ecs[0].EntityType != types.PolicyOwnerEntityTypeGroup || aws.ToString(ecs[0].EntityName) != "ops" {
		t.Errorf("ecs grants %+v", ecs)
	}
	if len(sqs) != 1 || aws.ToString(sqs[0].PolicyArn) != aws.ToString(pol.Arn) || sqs[0].PolicyType != types.PolicyTypeManaged {
		t.Errorf("sqs grants %+v", sqs)
	}
	if len(s3) != 0 {
		t.Errorf("a Deny grants nothing: %+v", s3)
	}

	_, err := client.GenerateServiceLastAccessedDetails(harness.Ctx, &iam.GenerateServiceLastAccessedDetailsInput{Arn: aws.String("arn:aws:iam::000000000000:role/ghost")})
	harness.AssertError(t, err, "NoSuchEntity", 404, "")
	_, err = client.GenerateServiceLastAccessedDetails(harness.Ctx, &iam.GenerateServiceLastAccessedDetailsInput{Arn: aws.String("arn:aws:s3:::a-bucket-name")})
	harness.AssertError(t, err, "InvalidInput", 400, "")
	_, err = client.GetServiceLastAccessedDetails(harness.Ctx, &iam.GetServiceLastAccessedDetailsInput{JobId: aws.String("11111111-2222-3333-4444-555555555555")})
	harness.AssertAPIError(t, err, "NoSuchEntity")
	// An AWS managed policy's report lists the services it grants.
	mjob := harness.Must(client.GenerateServiceLastAccessedDetails(harness.Ctx, &iam.GenerateServiceLastAccessedDetailsInput{
		Arn: aws.String("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")}))(t)
	mdet := harness.Must(client.GetServiceLastAccessedDetails(harness.Ctx, &iam.GetServiceLastAccessedDetailsInput{JobId: mjob.JobId}))(t)
	var mns []string
	for _, s := range mdet.ServicesLastAccessed {
		mns = append(mns, aws.ToString(s.ServiceNamespace))
	}
	if strings.Join(mns, ",") != "ecr,logs" {
		t.Errorf("AmazonECSTaskExecutionRolePolicy namespaces %v", mns)
	}
}

func TestExtrasDelegationRequests(t *testing.T) {
	ls, partner := coreStart(t)
	ownerCfg := ls.Config.Copy()
	ownerCfg.Credentials = credentials.NewStaticCredentialsProvider("444455556666", "x", "")
	owner := iam.NewFromConfig(ownerCfg)
	strangerCfg := ls.Config.Copy()
	strangerCfg.Credentials = credentials.NewStaticCredentialsProvider("777788889999", "x", "")
	stranger := iam.NewFromConfig(strangerCfg)

	in := &iam.CreateDelegationRequestInput{OwnerAccountId: aws.String("444455556666"), Description: aws.String("Rotate the database credentials"),
		Permissions: &types.DelegationPermission{PolicyTemplateArn: aws.String("arn:aws:iam::aws:delegation-template/RotateSecrets"),
			Parameters: []types.PolicyParameter{{Name: aws.String("SecretArn"), Values: []string{"arn:aws:secretsmanager:us-east-1:444455556666:secret:db"}, Type: types.PolicyParameterTypeEnumString}}},
		RequestorWorkflowId: aws.String("workflow-42"), NotificationChannel: aws.String("arn:aws:sns:us-east-1:000000000000:delegations"),
		SessionDuration: aws.Int32(3600)}
	created := harness.Must(partner.CreateDelegationRequest(harness.Ctx, in))(t)
	id := aws.ToString(created.DelegationRequestId)
	if len(id) < 16 || aws.ToString(created.ConsoleDeepLink) == "" {
		t.Fatalf("created %+v", created)
	}
	_, err := partner.CreateDelegationRequest(harness.Ctx, in)
	harness.AssertError(t, err, "EntityAlreadyExists", 409, "")

	get := func(c *iam.Client) *types.DelegationRequest {
		t.Helper()
		return harness.Must(c.GetDelegationRequest(harness.Ctx, &iam.GetDelegationRequestInput{DelegationRequestId: aws.String(id)}))(t).DelegationRequest
	}
	if d := get(owner); d.State != types.StateTypeUnassigned || aws.ToString(d.RequestorId) != "000000000000" {
		t.Fatalf("new request %+v", d)
	}
	_, err = stranger.GetDelegationRequest(harness.Ctx, &iam.GetDelegationRequestInput{DelegationRequestId: aws.String(id)})
	harness.AssertError(t, err, "NoSuchEntity", 404, "")
	// Unowned requests are not listed for the target account.
	if l := harness.Must(owner.ListDelegationRequests(harness.Ctx, &iam.ListDelegationRequestsInput{}))(t).DelegationRequests; len(l) != 0 {
		t.Fatalf("listed before association: %+v", l)
	}
	_, err = owner.AcceptDelegationRequest(harness.Ctx, &iam.AcceptDelegationRequestInput{DelegationRequestId: aws.String(id)})
	harness.AssertAPIError(t, err, "NoSuchEntity")
	_, err = stranger.AssociateDelegationRequest(harness.Ctx, &iam.AssociateDelegationRequestInput{DelegationRequestId: aws.String(id)})
	harness.AssertAPIError(t, err, "NoSuchEntity")

	harness.Must(owner.AssociateDelegationRequest(harness.Ctx, &iam.AssociateDelegationRequestInput{DelegationRequestId: aws.String(id)}))(t)
	if d := get(owner); d.State != types.StateTypeAssigned || aws.ToString(d.OwnerId) != "arn:aws:iam::444455556666:root" {
		t.Fatalf("associated %+v", d)
	}
	harness.Must(owner.UpdateDelegationRequest(harness.Ctx, &iam.UpdateDelegationRequestInput{DelegationRequestId: aws.String(id), Notes: aws.String("needs approval")}))(t)
	if d := get(owner); d.State != types.StateTypePendingApproval || aws.ToString(d.Notes) != "needs approval" {
		t.Fatalf("updated %+v", d)
	}
	_, err = owner.SendDelegationToken(harness.Ctx, &iam.SendDelegationTokenInput{DelegationRequestId: aws.String(id)})
	harness.AssertError(t, err, "InvalidInput", 400, "")
	harness.Must(owner.AcceptDelegationRequest(harness.Ctx, &iam.AcceptDelegationRequestInput{DelegationRequestId: aws.String(id)}))(t)
	if d := get(owner); d.State != types.StateTypeAccepted || aws.ToString(d.ApproverId) != "arn:aws:iam::444455556666:root" {
		t.Fatalf("accepted %+v", d)
	}
	var listed []types.DelegationRequest
	lin := &iam.ListDelegationRequestsInput{OwnerId: aws.String("arn:aws:iam::444455556666:root"), MaxItems: aws.Int32(1)}
	for {
		page := harness.Must(owner.ListDelegationRequests(harness.Ctx, lin))(t)
		listed = append(listed, page.DelegationRequests...)
		if !page.IsTruncated {
			break
		}
		lin.Marker = page.Marker
	}
	if len(listed) != 1 || aws.ToString(listed[0].DelegationRequestId) != id {
		t.Fatalf("listed %+v", listed)
	}

	sum := harness.Must(owner.GetHumanReadableSummary(harness.Ctx, &iam.GetHumanReadableSummaryInput{
		EntityArn: aws.String("arn:aws:iam::444455556666:delegation-request/" + id)}))(t)
	if sum.SummaryState != types.SummaryStateTypeAvailable || !strings.Contains(aws.ToString(sum.SummaryContent), "Rotate the database credentials") ||
		!strings.Contains(aws.ToString(sum.SummaryContent), "1h0m0s") {
		t.Fatalf("summary %+v", sum)
	}
	_, err = owner.GetHumanReadableSummary(harness.Ctx, &iam.GetHumanReadableSummaryInput{EntityArn: aws.String("arn:aws:iam::444455556666:role/some-role")})
	harness.AssertError(t, err, "InvalidInput", 400, "")
	_, err = owner.GetHumanReadableSummary(harness.Ctx, &iam.GetHumanReadableSummaryInput{EntityArn: aws.String("arn:aws:iam::444455556666:delegation-request/dr-missing-request-id")})
	harness.AssertAPIError(t, err, "NoSuchEntity")

	harness.Must(owner.SendDelegationToken(harness.Ctx, &iam.SendDelegationTokenInput{DelegationRequestId: aws.String(id)}))(t)
	d := get(partner)
	if d.State != types.StateTypeFinalized || d.ExpirationTime == nil {
		t.Fatalf("finalized %+v", d)
	}
	_, err = owner.RejectDelegationRequest(harness.Ctx, &iam.RejectDelegationRequestInput{DelegationRequestId: aws.String(id)})
	harness.AssertError(t, err, "InvalidInput", 400, "")

	// A second request is rejected.
	in.RequestorWorkflowId = aws.String("workflow-43")
	in.OwnerAccountId = nil
	second := aws.ToString(harness.Must(partner.CreateDelegationRequest(harness.Ctx, in))(t).DelegationRequestId)
	harness.Must(stranger.AssociateDelegationRequest(harness.Ctx, &iam.AssociateDelegationRequestInput{DelegationRequestId: aws.String(second)}))(t)
	harness.Must(stranger.RejectDelegationRequest(harness.Ctx, &iam.RejectDelegationRequestInput{DelegationRequestId: aws.String(second), Notes: aws.String("no thanks")}))(t)
	r := harness.Must(partner.GetDelegationRequest(harness.Ctx, &iam.GetDelegationRequestInput{DelegationRequestId: aws.String(second), DelegationPermissionCheck: true}))(t)
	if r.DelegationRequest.State != types.StateTypeRejected || aws.ToString(r.DelegationRequest.RejectionReason) != "no thanks" ||
		aws.ToString(r.DelegationRequest.OwnerAccountId) != "777788889999" || r.PermissionCheckStatus == "" {
		t.Fatalf("rejected %+v", r)
	}
	_, err = stranger.AcceptDelegationRequest(harness.Ctx, &iam.AcceptDelegationRequestInput{DelegationRequestId: aws.String(second)})
	harness.AssertError(t, err, "InvalidInput", 400, "")
}
