package autoscaling

import (
	"net/http"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
)

// errValidation is Auto Scaling's ValidationError, which the model does not list.
func errValidation(format string, args ...any) error {
	return apierror.WithStatus(http.StatusBadRequest, "ValidationError", format, args...)
}

func errGroupNotFound(name string) error {
	return errValidation("AutoScalingGroup name not found - AutoScalingGroup %s not found", name)
}

// errGroupNameNotFound is the wording of the calls that name a group in passing.
func errGroupNameNotFound() error {
	return errValidation("AutoScalingGroup name not found - null")
}

func errAlreadyExists(format string, args ...any) error {
	return apierror.New("AlreadyExists", format, args...)
}

func errLimitExceeded(format string, args ...any) error {
	return apierror.New("LimitExceeded", format, args...)
}

func errResourceInUse(format string, args ...any) error {
	return apierror.New("ResourceInUse", format, args...)
}

func errActivityInProgress(format string, args ...any) error {
	return apierror.New("ScalingActivityInProgress", format, args...)
}

func errBadToken() error {
	return apierror.New("InvalidNextToken", "The token is invalid.")
}

// asPaging is a page of an Auto Scaling listing.
func asPaging(scope string, token *string, size int) api.Paging {
	return api.Paging{Listing: scope, Token: token, Size: size, BadToken: errBadToken()}
}
