package protocol

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/model"
)

func sampleTask() *types.Task {
	now := time.Now().UTC().Truncate(time.Millisecond)
	return &types.Task{TaskArn: aws.String("arn:aws:ecs:us-east-1:000000000000:task/c/0123456789abcdef0123456789abcdef"),
		ClusterArn: aws.String("arn:aws:ecs:us-east-1:000000000000:cluster/c"), TaskDefinitionArn: aws.String("arn:aws:ecs:us-east-1:000000000000:task-definition/web:1"),
		LastStatus: aws.String("RUNNING"), DesiredStatus: aws.String("RUNNING"), Cpu: aws.String("256"), Memory: aws.String("512"),
		CreatedAt: &now, StartedAt: &now, PullStartedAt: &now, PullStoppedAt: &now, ConnectivityAt: &now, Connectivity: types.ConnectivityConnected,
		Group: aws.String("service:web"), StartedBy: aws.String("ecs-svc/1234567890123456789"), LaunchType: types.LaunchTypeFargate,
		PlatformVersion: aws.String("1.4.0"), PlatformFamily: aws.String("Linux"), AvailabilityZone: aws.String("us-east-1a"), Version: 4,
		Attachments: []types.Attachment{{Id: aws.String("a1b2c3d4-0000-4000-8000-000000000000"), Type: aws.String("ElasticNetworkInterface"), Status: aws.String("ATTACHED"),
			Details: []types.KeyValuePair{{Name: aws.String("subnetId"), Value: aws.String("subnet-0a1b2c3d")}, {Name: aws.String("networkInterfaceId"), Value: aws.String("eni-0123456789abcdef0")},
				{Name: aws.String("macAddress"), Value: aws.String("0a:1b:2c:3d:4e:5f")}, {Name: aws.String("privateIPv4Address"), Value: aws.String("172.31.0.10")}}}},
		Containers: []types.Container{{Name: aws.String("web"), Image: aws.String("nginx"), LastStatus: aws.String("RUNNING"), HealthStatus: types.HealthStatusUnknown,
			ContainerArn: aws.String("arn:aws:ecs:us-east-1:000000000000:container/c/0123456789abcdef0123456789abcdef/a1b2c3d4-0000-4000-8000-000000000000"),
			TaskArn:      aws.String("arn:aws:ecs:us-east-1:000000000000:task/c/0123456789abcdef0123456789abcdef"), Cpu: aws.String("0"),
			NetworkInterfaces: []types.NetworkInterface{{AttachmentId: aws.String("a1b2c3d4-0000-4000-8000-000000000000"), PrivateIpv4Address: aws.String("172.31.0.10")}}}},
		Overrides: &types.TaskOverride{ContainerOverrides: []types.ContainerOverride{{Name: aws.String("web")}}},
	}
}

func BenchmarkTaskDocument(b *testing.B) {
	sh := model.MustLoad("ecs").Shapes["Task"]
	task := sampleTask()
	std, _ := json.Marshal(task)
	wire := EncodeJSON(sh, task)
	b.Logf("encoding/json %d bytes, wire %d bytes", len(std), len(wire))
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var t types.Task
			if err := json.Unmarshal(std, &t); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("model", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var t types.Task
			if err := DecodeJSON(sh, wire, &t); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encode-encoding/json", func(b *testing.B) {
		for b.Loop() {
			json.Marshal(task)
		}
	})
	b.Run("encode-model", func(b *testing.B) {
		for b.Loop() {
			EncodeJSON(sh, task)
		}
	})
}
