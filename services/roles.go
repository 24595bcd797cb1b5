package services

import (
	"errors"
	"strings"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/iam"
)

// iamRoles is what other services use of IAM's roles: the service-linked
// roles AWS makes on a service's first use, and whether a role exists.
type iamRoles struct{}

// CreateServiceLinkedRole makes a service's service-linked role in the
// caller's account, in the partition of the request, unless it exists.
func (iamRoles) CreateServiceLinkedRole(c *api.Context, awsServiceName string) error {
	_, err := iam.EnsureServiceLinkedRole(c.Tx, c.Account(), c.Region, awsServiceName)
	return err
}

// RoleExists reports whether arn names a role of the caller's account.
func (iamRoles) RoleExists(c *api.Context, arn string) (bool, error) {
	if !strings.HasPrefix(arn, "arn:") || !strings.Contains(arn, ":iam::"+c.Account()+":role/") {
		return false, nil
	}
	_, err := iam.GetRoleByARN(c.Tx, c.Account(), arn)
	var e *apierror.Error
	if errors.As(err, &e) && e.Code == "NoSuchEntity" {
		return false, nil
	}
	return err == nil, err
}
