package appautoscaling

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"

	"github.com/longshore/longshore/protocol/apierror"
)

func errValidation(format string, args ...any) error {
	return apierror.New("ValidationException", format, args...)
}

func errInvalidToken() error {
	return apierror.New("InvalidNextTokenException", "Invalid NextToken")
}

// errNoTarget is AWS's answer for a scalable target that is not registered.
func errNoTarget(ns types.ServiceNamespace, resourceID string, dim types.ScalableDimension) error {
	return apierror.New("ObjectNotFoundException", "%s", fmt.Sprintf(
		"No scalable target registered for service namespace: %s, resource ID: %s, scalable dimension: %s", ns, resourceID, dim))
}
