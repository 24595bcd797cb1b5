package iam_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestCoreManagedPolicyVersions(t *testing.T) {
	_, client := coreStart(t)
	out := harness.Must(client.CreatePolicy(harness.Ctx, &iam.CreatePolicyInput{PolicyName: aws.String("s3-read"), Path: aws.String("/team/"),
		PolicyDocument: aws.String(coreS3Read), Description: aws.String("read objects")}))(t)
	p := out.Policy
	arn := aws.ToString(p.Arn)
	if arn != "arn:aws:iam::000000000000:policy/team/s3-read" || aws.ToString(p.DefaultVersionId) != "v1" || !p.IsAttachable ||
		aws.ToInt32(p.AttachmentCount) != 0 || !regexp.MustCompile(`^ANPA[A-Z2-7]{17}$`).MatchString(aws.ToString(p.PolicyId)) {
		t.Errorf("created policy %+v", p)
	}
	_, err := client.CreatePolicy(harness.Ctx, &iam.CreatePolicyInput{PolicyName: aws.String("s3-read"), PolicyDocument: aws.String(coreS3Read)})
	harness.AssertError(t, err, "EntityAlreadyExists", 409, "A policy called s3-read already exists. Duplicate names are not allowed.")
	_, err = client.CreatePolicy(harness.Ctx, &iam.CreatePolicyInput{PolicyName: aws.String("broken"), PolicyDocument: aws.String(`{"Statement": [`)})
	harness.AssertError(t, err, "MalformedPolicyDocument", 400, "")

	if err := iam.NewPolicyExistsWaiter(client).Wait(harness.Ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)}, 10*time.Second); err != nil {
		t.Errorf("PolicyExists waiter: %v", err)
	}
	got := harness.Must(client.GetPolicy(harness.Ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)}))(t)
	if aws.ToString(got.Policy.Description) != "read objects" {
		t.Errorf("description %q", aws.ToString(got.Policy.Description))
	}
	_, err = client.GetPolicy(harness.Ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::000000000000:policy/nope")})
	harness.AssertError(t, err, "NoSuchEntity", 404, "Policy arn:aws:iam::000000000000:policy/nope was not found.")

	for i := 2; i <= 5; i++ {
		doc := strings.Replace(coreS3Read, "s3:GetObject", fmt.Sprintf("s3:GetObjectVersion%d", i), 1)
		v := harness.Must(client.CreatePolicyVersion(harness.Ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(doc), SetAsDefault: i == 3}))(t)
		if aws.ToString(v.PolicyVersion.VersionId) != fmt.Sprintf("v%d", i) {
			t.Errorf("version id %s", aws.ToString(v.PolicyVersion.VersionId))
		}
	}
	_, err = client.CreatePolicyVersion(harness.Ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(coreS3Read)})
	harness.AssertError(t, err, "LimitExceeded", 409, "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")

	got = harness.Must(client.GetPolicy(harness.Ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)}))(t)
	if aws.ToString(got.Policy.DefaultVersionId) != "v3" {
		t.Errorf("default version %s", aws.ToString(got.Policy.DefaultVersionId))
	}
	pv := harness.Must(client.GetPolicyVersion(harness.Ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v3")}))(t)
	if !pv.PolicyVersion.IsDefaultVersion || !strings.Contains(coreDecode(t, pv.PolicyVersion.Document), "s3:GetObjectVersion3") {
		t.Errorf("v3 %+v", pv.PolicyVersion)
	}
	_, err = client.DeletePolicyVersion(harness.Ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v3")})
	harness.AssertError(t, err, "DeleteConflict", 409, "Cannot delete the default version of a policy.")
	_, err = client.GetPolicyVersion(harness.Ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v9")})
	harness.AssertAPIError(t, err, "NoSuchEntity")

	harness.Must(client.SetDefaultPolicyVersion(harness.Ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v5")}))(t)
	_, err = client.DeletePolicy(harness.Ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	harness.AssertError(t, err, "DeleteConflict", 409, "")

	var ids []string
	vp := iam.NewListPolicyVersionsPaginator(client, &iam.ListPolicyVersionsInput{PolicyArn: aws.String(arn), MaxItems: aws.Int32(2)})
	for vp.HasMorePages() {
		for _, v := range harness.Must(vp.NextPage(harness.Ctx))(t).Versions {
			ids = append(ids, aws.ToString(v.VersionId))
			if v.Document != nil {
				t.Errorf("ListPolicyVersions returned a document")
			}
			if v.IsDefaultVersion != (aws.ToString(v.VersionId) == "v5") {
				t.Errorf("version %s default=%v", aws.ToString(v.VersionId), v.IsDefaultVersion)
			}
		}
	}
	if strings.Join(ids, ",") != "v5,v4,v3,v2,v1" {
		t.Errorf("versions %v", ids)
	}
	for _, v := range []string{"v1", "v2", "v3", "v4"} {
		harness.Must(client.DeletePolicyVersion(harness.Ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String(v)}))(t)
	}
	// Versions are never renumbered.
	v := harness.Must(client.CreatePolicyVersion(harness.Ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(coreS3Read)}))(t)
	if aws.ToString(v.PolicyVersion.VersionId) != "v6" || v.PolicyVersion.IsDefaultVersion {
		t.Errorf("new version %+v", v.PolicyVersion)
	}
	harness.Must(client.DeletePolicyVersion(harness.Ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v6")}))(t)

	harness.Must(client.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)
	harness.Must(client.AttachUserPolicy(harness.Ctx, &iam.AttachUserPolicyInput{UserName: aws.String("u"), PolicyArn: aws.String(arn)}))(t)
	_, err = client.DeletePolicy(harness.Ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	harness.AssertError(t, err, "DeleteConflict", 409, "Cannot delete a policy attached to entities.")
	harness.Must(client.DetachUserPolicy(harness.Ctx, &iam.DetachUserPolicyInput{UserName: aws.String("u"), PolicyArn: aws.String(arn)}))(t)
	_, err = client.DetachUserPolicy(harness.Ctx, &iam.DetachUserPolicyInput{UserName: aws.String("u"), PolicyArn: aws.String(arn)})
	harness.AssertError(t, err, "NoSuchEntity", 404, "Policy "+arn+" was not found.")
	harness.Must(client.DeletePolicy(harness.Ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)}))(t)
	_, err = client.GetPolicy(harness.Ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	harness.AssertAPIError(t, err, "NoSuchEntity")
}

func TestCoreListPoliciesAndEntities(t *testing.T) {
	_, client := coreStart(t)
	local := harness.Must(client.CreatePolicy(harness.Ctx, &iam.CreatePolicyInput{PolicyName: aws.String("mine"), PolicyDocument: aws.String(coreS3Read)}))(t).Policy
	harness.Must(client.CreatePolicy(harness.Ctx, &iam.CreatePolicyInput{PolicyName: aws.String("boundary"), Path: aws.String("/b/"), PolicyDocument: aws.String(coreS3Read)}))(t)

	lp := harness.Must(client.ListPolicies(harness.Ctx, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal}))(t)
	if len(lp.Policies) != 2 {
		t.Errorf("Local scope %d policies", len(lp.Policies))
	}
	var awsNames []string
	p := iam.NewListPoliciesPaginator(client, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, MaxItems: aws.Int32(5)})
	for p.HasMorePages() {
		for _, pol := range harness.Must(p.NextPage(harness.Ctx))(t).Policies {
			awsNames = append(awsNames, aws.ToString(pol.PolicyName))
			if !strings.HasPrefix(aws.ToString(pol.Arn), "arn:aws:iam::aws:policy/") {
				t.Errorf("AWS scope returned %s", aws.ToString(pol.Arn))
			}
		}
	}
	for _, want := range []string{"AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "IAMFullAccess", "AmazonECSTaskExecutionRolePolicy",
		"AmazonEC2ContainerServiceforEC2Role", "AmazonEC2ContainerServiceRole", "AmazonECSServiceRolePolicy", "AmazonEC2ContainerServiceAutoscaleRole",
		"AmazonECS_FullAccess", "AmazonECSInfrastructureRolePolicyForVolumes", "ElasticLoadBalancingFullAccess", "AWSApplicationAutoscalingECSServicePolicy",
		"CloudWatchLogsFullAccess", "CloudWatchFullAccess", "AmazonEC2ContainerRegistryReadOnly", "AmazonS3ReadOnlyAccess", "AmazonSSMManagedInstanceCore"} {
		if !strings.Contains(","+strings.Join(awsNames, ",")+",", ","+want+",") {
			t.Errorf("AWS managed policy %s missing", want)
		}
	}
	all := harness.Must(client.ListPolicies(harness.Ctx, &iam.ListPoliciesInput{MaxItems: aws.Int32(1000)}))(t)
	if len(all.Policies) != len(awsNames)+2 {
		t.Errorf("All scope %d, want %d", len(all.Policies), len(awsNames)+2)
	}
	sr := harness.Must(client.ListPolicies(harness.Ctx, &iam.ListPoliciesInput{PathPrefix: aws.String("/service-role/")}))(t)
	for _, pol := range sr.Policies {
		if aws.ToString(pol.Path) != "/service-role/" {
			t.Errorf("PathPrefix returned %s", aws.ToString(pol.Arn))
		}
	}
	if len(sr.Policies) == 0 {
		t.Errorf("no /service-role/ policies")
	}

	coreCreateRole(t, client, "task")
	harness.Must(client.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("dev"), Path: aws.String("/people/")}))(t)
	harness.Must(client.CreateGroup(harness.Ctx, &iam.CreateGroupInput{GroupName: aws.String("devs")}))(t)
	harness.Must(client.AttachRolePolicy(harness.Ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("task"), PolicyArn: local.Arn}))(t)
	harness.Must(client.AttachUserPolicy(harness.Ctx, &iam.AttachUserPolicyInput{UserName: aws.String("dev"), PolicyArn: local.Arn}))(t)
	harness.Must(client.AttachGroupPolicy(harness.Ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("devs"), PolicyArn: local.Arn}))(t)
	// Attaching twice changes nothing.
	harness.Must(client.AttachGroupPolicy(harness.Ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("devs"), PolicyArn: local.Arn}))(t)
	harness.Must(client.PutRolePermissionsBoundary(harness.Ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("task"),
		PermissionsBoundary: aws.String("arn:aws:iam::000000000000:policy/b/boundary")}))(t)

	got := harness.Must(client.GetPolicy(harness.Ctx, &iam.GetPolicyInput{PolicyArn: local.Arn}))(t)
	if aws.ToInt32(got.Policy.AttachmentCount) != 3 {
		t.Errorf("AttachmentCount %d", aws.ToInt32(got.Policy.AttachmentCount))
	}
	b := harness.Must(client.GetPolicy(harness.Ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::000000000000:policy/b/boundary")}))(t)
	if aws.ToInt32(b.Policy.PermissionsBoundaryUsageCount) != 1 || aws.ToInt32(b.Policy.AttachmentCount) != 0 {
		t.Errorf("boundary counts %d %d", aws.ToInt32(b.Policy.PermissionsBoundaryUsageCount), aws.ToInt32(b.Policy.AttachmentCount))
	}

	ents := harness.Must(client.ListEntitiesForPolicy(harness.Ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: local.Arn}))(t)
	if len(ents.PolicyRoles) != 1 || len(ents.PolicyUsers) != 1 || len(ents.PolicyGroups) != 1 ||
		aws.ToString(ents.PolicyRoles[0].RoleName) != "task" || !strings.HasPrefix(aws.ToString(ents.PolicyRoles[0].RoleId), "AROA") {
		t.Errorf("entities %+v", ents)
	}
	onlyRoles := harness.Must(client.ListEntitiesForPolicy(harness.Ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: local.Arn, EntityFilter: types.EntityTypeRole}))(t)
	if len(onlyRoles.PolicyRoles) != 1 || len(onlyRoles.PolicyUsers) != 0 {
		t.Errorf("EntityFilter Role %+v", onlyRoles)
	}
	people := harness.Must(client.ListEntitiesForPolicy(harness.Ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: local.Arn, PathPrefix: aws.String("/people/")}))(t)
	if len(people.PolicyUsers) != 1 || len(people.PolicyRoles) != 0 {
		t.Errorf("PathPrefix /people/ %+v", people)
	}
	bents := harness.Must(client.ListEntitiesForPolicy(harness.Ctx, &iam.ListEntitiesForPolicyInput{
		PolicyArn: aws.String("arn:aws:iam::000000000000:policy/b/boundary"), PolicyUsageFilter: types.PolicyUsageTypePermissionsBoundary}))(t)
	if len(bents.PolicyRoles) != 1 {
		t.Errorf("boundary entities %+v", bents)
	}

	attached := harness.Must(client.ListPolicies(harness.Ctx, &iam.ListPoliciesInput{OnlyAttached: true}))(t)
	if len(attached.Policies) != 2 {
		t.Errorf("OnlyAttached %d policies", len(attached.Policies))
	}
	boundaries := harness.Must(client.ListPolicies(harness.Ctx, &iam.ListPoliciesInput{OnlyAttached: true, PolicyUsageFilter: types.PolicyUsageTypePermissionsBoundary}))(t)
	if len(boundaries.Policies) != 1 || aws.ToString(boundaries.Policies[0].PolicyName) != "boundary" {
		t.Errorf("OnlyAttached boundaries %+v", boundaries.Policies)
	}
}

func TestCoreAWSManagedPolicies(t *testing.T) {
	ls, client := coreStart(t)
	arn := aws.String("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
	p := harness.Must(client.GetPolicy(harness.Ctx, &iam.GetPolicyInput{PolicyArn: arn}))(t).Policy
	if aws.ToString(p.Path) != "/service-role/" || aws.ToString(p.DefaultVersionId) != "v1" || aws.ToString(p.PolicyName) != "AmazonECSTaskExecutionRolePolicy" {
		t.Errorf("policy %+v", p)
	}
	v := harness.Must(client.GetPolicyVersion(harness.Ctx, &iam.GetPolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v1")}))(t)
	if doc := coreDecode(t, v.PolicyVersion.Document); !strings.Contains(doc, "ecr:GetAuthorizationToken") || !strings.Contains(doc, "logs:PutLogEvents") {
		t.Errorf("document %s", doc)
	}
	slr := harness.Must(client.GetPolicy(harness.Ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy")}))(t)
	if aws.ToString(slr.Policy.Path) != "/aws-service-role/" {
		t.Errorf("AmazonECSServiceRolePolicy path %s", aws.ToString(slr.Policy.Path))
	}
	admin := harness.Must(client.GetPolicy(harness.Ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}))(t)
	if aws.ToString(admin.Policy.Path) != "/" {
		t.Errorf("AdministratorAccess path %s", aws.ToString(admin.Policy.Path))
	}

	coreCreateRole(t, client, "task")
	_, err := client.AttachRolePolicy(harness.Ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("task"), PolicyArn: aws.String("arn:aws:iam::aws:policy/NoSuchPolicy")})
	harness.AssertError(t, err, "NoSuchEntity", 404, "Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable.")
	_, err = client.AttachRolePolicy(harness.Ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("task"), PolicyArn: aws.String("arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy")})
	harness.AssertError(t, err, "PolicyNotAttachable", 400, "Cannot attach a Service Role Policy to a Customer Role.")
	_, err = client.DeletePolicy(harness.Ctx, &iam.DeletePolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
	harness.AssertError(t, err, "AccessDenied", 403, "")

	harness.Must(client.AttachRolePolicy(harness.Ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("task"), PolicyArn: arn}))(t)
	got := harness.Must(client.GetPolicy(harness.Ctx, &iam.GetPolicyInput{PolicyArn: arn}))(t)
	if aws.ToInt32(got.Policy.AttachmentCount) != 1 {
		t.Errorf("AttachmentCount %d", aws.ToInt32(got.Policy.AttachmentCount))
	}
	// Attachment counts are per account.
	cfg := ls.Config.Copy()
	cfg.Credentials = credentials.NewStaticCredentialsProvider("111122223333", "x", "")
	other := harness.Must(iam.NewFromConfig(cfg).GetPolicy(harness.Ctx, &iam.GetPolicyInput{PolicyArn: arn}))(t)
	if aws.ToInt32(other.Policy.AttachmentCount) != 0 {
		t.Errorf("other account AttachmentCount %d", aws.ToInt32(other.Policy.AttachmentCount))
	}
}

func TestCoreAttachLimit(t *testing.T) {
	_, client := coreStart(t)
	coreCreateRole(t, client, "busy")
	var arns []string
	for i := 0; i < 11; i++ {
		out := harness.Must(client.CreatePolicy(harness.Ctx, &iam.CreatePolicyInput{PolicyName: aws.String(fmt.Sprintf("p%d", i)), PolicyDocument: aws.String(coreS3Read)}))(t)
		arns = append(arns, aws.ToString(out.Policy.Arn))
	}
	for _, a := range arns[:10] {
		harness.Must(client.AttachRolePolicy(harness.Ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("busy"), PolicyArn: aws.String(a)}))(t)
	}
	_, err := client.AttachRolePolicy(harness.Ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("busy"), PolicyArn: aws.String(arns[10])})
	harness.AssertError(t, err, "LimitExceeded", 409, "Cannot exceed quota for PoliciesPerRole: 10")

	var seen []string
	p := iam.NewListAttachedRolePoliciesPaginator(client, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("busy"), MaxItems: aws.Int32(4)})
	for p.HasMorePages() {
		for _, a := range harness.Must(p.NextPage(harness.Ctx))(t).AttachedPolicies {
			seen = append(seen, aws.ToString(a.PolicyName))
		}
	}
	if len(seen) != 10 || seen[0] != "p0" || seen[9] != "p9" {
		t.Errorf("attached %v", seen)
	}
	harness.Must(client.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)
	harness.Must(client.CreateGroup(harness.Ctx, &iam.CreateGroupInput{GroupName: aws.String("g")}))(t)
	for _, a := range arns[:10] {
		harness.Must(client.AttachUserPolicy(harness.Ctx, &iam.AttachUserPolicyInput{UserName: aws.String("u"), PolicyArn: aws.String(a)}))(t)
		harness.Must(client.AttachGroupPolicy(harness.Ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("g"), PolicyArn: aws.String(a)}))(t)
	}
	_, err = client.AttachUserPolicy(harness.Ctx, &iam.AttachUserPolicyInput{UserName: aws.String("u"), PolicyArn: aws.String(arns[10])})
	harness.AssertError(t, err, "LimitExceeded", 409, "Cannot exceed quota for PoliciesPerUser: 10")
	_, err = client.AttachGroupPolicy(harness.Ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("g"), PolicyArn: aws.String(arns[10])})
	harness.AssertError(t, err, "LimitExceeded", 409, "Cannot exceed quota for PoliciesPerGroup: 10")

	lu := harness.Must(client.ListAttachedUserPolicies(harness.Ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("u"), MaxItems: aws.Int32(3)}))(t)
	if len(lu.AttachedPolicies) != 3 || !lu.IsTruncated || lu.Marker == nil {
		t.Errorf("ListAttachedUserPolicies page %+v", lu)
	}
	lg := harness.Must(client.ListAttachedGroupPolicies(harness.Ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String("g"), PathPrefix: aws.String("/x/")}))(t)
	if len(lg.AttachedPolicies) != 0 {
		t.Errorf("PathPrefix /x/ %+v", lg.AttachedPolicies)
	}
	harness.Must(client.DetachGroupPolicy(harness.Ctx, &iam.DetachGroupPolicyInput{GroupName: aws.String("g"), PolicyArn: aws.String(arns[0])}))(t)
	lg = harness.Must(client.ListAttachedGroupPolicies(harness.Ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String("g")}))(t)
	if len(lg.AttachedPolicies) != 9 {
		t.Errorf("after detach %d", len(lg.AttachedPolicies))
	}
}
