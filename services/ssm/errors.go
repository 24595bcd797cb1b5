package ssm

import (
	"fmt"

	"github.com/longshore/longshore/protocol/apierror"
)

func apiErr(code, format string, args ...any) error { return apierror.New(code, format, args...) }

// notFound is ParameterNotFound, which AWS sends with an empty message.
func notFound() error { return apierror.New("ParameterNotFound", "") }

func versionNotFound(name, selector string) error {
	return apierror.New("ParameterVersionNotFound", "%s", fmt.Sprintf("Systems Manager could not find version %s of %s. Verify the version and try again.", selector, name))
}
