package sts

import (
	"regexp"
	"strings"
)

var iamUserArnRE = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:user/`)

// isRootArn reports whether an ARN is an account's root user.
func isRootArn(arn string) bool {
	return strings.HasPrefix(arn, "arn:aws") && strings.HasSuffix(arn, ":root") && strings.Contains(arn, ":iam::")
}

// sessionNameRE is the pattern of a role session name.
var sessionNameRE = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
