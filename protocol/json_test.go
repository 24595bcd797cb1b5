package protocol

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"

	"github.com/longshore/longshore/protocol/model"
)

func TestDoublesKeepAFraction(t *testing.T) {
	sh := model.MustLoad("application-autoscaling").Shapes["TargetTrackingScalingPolicyConfiguration"]
	for value, want := range map[float64]string{70: `"TargetValue":70.0`, 72.5: `"TargetValue":72.5`, -3: `"TargetValue":-3.0`} {
		got := string(EncodeJSON(sh, &types.TargetTrackingScalingPolicyConfiguration{TargetValue: aws.Float64(value)}))
		if !strings.Contains(got, want) {
			t.Errorf("%v encoded as %s, want %s", value, got, want)
		}
	}
}
