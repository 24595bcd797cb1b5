package ecs

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol"
	"github.com/longshore/longshore/protocol/model"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
)

// RegisterTaskDefinition's JSON answer is cut from the stored document; it
// must be byte for byte what encoding the output gives, with and without
// tags, and the stored revision must read back as the answer's.
func TestRegisterTaskDefinitionAnswerIsTheEncodedOutput(t *testing.T) {
	ecsModel := model.MustLoad("ecs")
	op := ecsModel.Operations["RegisterTaskDefinition"]
	withContext(t, func(c *api.Context) {
		c.Caller.Arn = "arn:aws:iam::123456789012:root"
		for name, in := range map[string]*ecs.RegisterTaskDefinitionInput{
			"untagged": {Family: aws.String("bare"), ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("nginx"), Memory: aws.Int32(512)}}},
			"tagged": {Family: aws.String("web"), NetworkMode: types.NetworkModeAwsvpc, Cpu: aws.String("512"), Memory: aws.String("1024"),
				RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
				ExecutionRoleArn:        aws.String("arn:aws:iam::123456789012:role/exec"),
				ContainerDefinitions: []types.ContainerDefinition{
					{Name: aws.String("app"), Image: aws.String("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1"), Essential: aws.Bool(true),
						PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(8080)}},
						Environment:  []types.KeyValuePair{{Name: aws.String("A"), Value: aws.String("quote \" and \u00e9")}},
						LogConfiguration: &types.LogConfiguration{LogDriver: types.LogDriverAwslogs,
							Options: map[string]string{"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1"}}},
					{Name: aws.String("sidecar"), Image: aws.String("busybox"), Essential: aws.Bool(false)},
				},
				Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("web")}, {Key: aws.String("env"), Value: aws.String("dev")}}},
		} {
			for rev := 1; rev <= 2; rev++ {
				got, err := answerRegisterTaskDefinition(c, in)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				want := protocol.AWSJSON11.Encode(ecsModel, op, got.Output, "")
				if string(got.JSON) != string(want) {
					t.Errorf("%s revision %d: answered\n%s\nencoding the output gives\n%s", name, rev, got.JSON, want)
				}
				td := got.Output.(*ecs.RegisterTaskDefinitionOutput).TaskDefinition
				if td.Revision != int32(rev) {
					t.Errorf("%s: revision %d, want %d", name, td.Revision, rev)
				}
				stored, err := ecscore.TaskDefinitions.Get(c.Tx, c.Scope(), aws.ToString(td.TaskDefinitionArn))
				if err != nil {
					t.Fatal(err)
				}
				described := protocol.AWSJSON11.Encode(ecsModel, op, &ecs.RegisterTaskDefinitionOutput{TaskDefinition: stored, Tags: got.Output.(*ecs.RegisterTaskDefinitionOutput).Tags}, "")
				if string(described) != string(want) {
					t.Errorf("%s: the stored revision reads back as\n%s\nwant\n%s", name, described, want)
				}
			}
		}
	})
}
