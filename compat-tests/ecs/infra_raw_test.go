package ecs_test

import (
	"encoding/json"
	"testing"

	"github.com/longshore/longshore/compat-tests/harness"
)

var infraOperations = []string{
	"CreateCluster", "DeleteCluster", "DescribeClusters", "ListClusters", "UpdateCluster", "UpdateClusterSettings", "PutClusterCapacityProviders",
	"CreateCapacityProvider", "DeleteCapacityProvider", "DescribeCapacityProviders", "UpdateCapacityProvider",
	"RegisterTaskDefinition", "DeregisterTaskDefinition", "DeleteTaskDefinitions", "DescribeTaskDefinition", "ListTaskDefinitions", "ListTaskDefinitionFamilies",
	"PutAccountSetting", "PutAccountSettingDefault", "DeleteAccountSetting", "ListAccountSettings",
	"PutAttributes", "DeleteAttributes", "ListAttributes", "TagResource", "UntagResource", "ListTagsForResource",
	"RegisterContainerInstance", "DeregisterContainerInstance", "DescribeContainerInstances", "ListContainerInstances",
	"UpdateContainerInstancesState", "UpdateContainerAgent", "SubmitTaskStateChange", "SubmitContainerStateChange",
	"SubmitAttachmentStateChanges", "DiscoverPollEndpoint",
	"CreateDaemon", "DeleteDaemon", "DescribeDaemon", "UpdateDaemon", "ListDaemons", "RegisterDaemonTaskDefinition",
	"DescribeDaemonTaskDefinition", "DeleteDaemonTaskDefinition", "ListDaemonTaskDefinitions", "DescribeDaemonDeployments",
	"ListDaemonDeployments", "DescribeDaemonRevisions",
}

// TestInfraRawRequests sends what no SDK sends: empty, wrongly typed and
// nonsensical bodies. Each answers with a 2xx or an ECS error, never a 5xx.
func TestInfraRawRequests(t *testing.T) {
	ls := harness.Start(t)
	refused := 0
	bodies := []string{`{}`, `{"cluster":"absent","containerInstance":"x","containerInstances":["x"],"taskDefinition":"x:0","taskDefinitions":["x"],` +
		`"resourceArn":"arn:aws:ecs:us-east-1:000000000000:service/a/b","attributes":[{"name":"a"}],"tags":[{"key":"a","value":"b"}],` +
		`"tagKeys":["a"],"name":"containerInsights","value":"x","family":"f","containerDefinitions":[{}],"daemonArn":"x","daemonName":"d",` +
		`"daemonTaskDefinition":"x","daemonTaskDefinitionArn":"x","capacityProviderArns":["x"],"capacityProvider":"x","capacityProviders":["x"],` +
		`"defaultCapacityProviderStrategy":[{"capacityProvider":"x"}],"settings":[{"name":"containerInsights"}],"status":"ACTIVE","targetType":"container-instance",` +
		`"daemonDeploymentArns":["x"],"daemonRevisionArns":["x"],"task":"x","containerName":"c","attachments":[{"attachmentArn":"x","status":"y"}],"filter":"(("}`,
		`{"maxResults":0,"nextToken":"zzz"}`, `{"cluster":5}`}
	for _, op := range infraOperations {
		for _, body := range bodies {
			r := harness.JSON(t, ls, "AmazonEC2ContainerServiceV20141113."+op, body)
			if r.Status >= 500 {
				t.Errorf("%s %s: %d %s", op, body, r.Status, r.Body)
				continue
			}
			if r.Status >= 400 {
				refused++
				var e struct {
					Type string `json:"__type"`
				}
				if err := json.Unmarshal([]byte(r.Body), &e); err != nil || e.Type == "" {
					t.Errorf("%s: error without __type: %s", op, r.Body)
				}
			}
		}
	}
	// Most of these bodies are wrong: the bulk must have been refused.
	if refused < len(infraOperations)*2 {
		t.Errorf("only %d of %d requests refused", refused, len(infraOperations)*len(bodies))
	}
}
