package ecs

import (
	"regexp"
	"testing"
)

// isECRImage accepts exactly the images of ECR's registry host form,
// ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn]/REPOSITORY (ECR user
// guide, "Private registry concepts"), as this expression does.
func TestIsECRImage(t *testing.T) {
	re := regexp.MustCompile(`^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/`)
	for _, image := range []string{
		"123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1",
		"123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/web",
		"123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/web@sha256:abc",
		"123456789012.dkr.ecr.us-east-1.amazonaws.com",
		"123456789012.dkr.ecr..amazonaws.com/web",
		"12345678901.dkr.ecr.us-east-1.amazonaws.com/web",
		"1234567890123.dkr.ecr.us-east-1.amazonaws.com/web",
		"123456789012.dkr.ecr.US-EAST-1.amazonaws.com/web",
		"123456789012.dkr.ecr.us-east-1.amazonaws.com.evil/web",
		"public.ecr.aws/nginx/nginx:1.25",
		"nginx:latest",
		"",
	} {
		if got, want := isECRImage(image), re.MatchString(image); got != want {
			t.Errorf("%q: %v, want %v", image, got, want)
		}
	}
}
