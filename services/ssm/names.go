package ssm

import (
	"fmt"
	"strings"

	"github.com/longshore/longshore/services/api"
)

// checkName applies Parameter Store's naming rules to a name being created.
func checkName(name string) error {
	lower := strings.ToLower(strings.TrimPrefix(name, "/"))
	if strings.HasPrefix(lower, "aws") || strings.HasPrefix(lower, "ssm") {
		return validation("Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_")
	}
	if strings.Contains(name, "/") && !strings.HasPrefix(name, "/") {
		return validation("Parameter name must be a fully qualified name.")
	}
	if strings.Count(name, "/") > 15 {
		return apiErr("HierarchyLevelLimitExceededException", "A hierarchy can have a maximum of 15 levels.")
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_.-/", r)) {
			return validation("Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_")
		}
	}
	return nil
}

// splitSelector separates NAME:VERSION or NAME:LABEL.
func splitSelector(s string) (name, selector string) {
	if i := strings.LastIndexByte(s, ':'); i > 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

// arn is the ARN of a parameter; names without a leading slash get one.
func arn(region, account, name string) string {
	if !strings.HasPrefix(name, "/") {
		name = "/" + name
	}
	return fmt.Sprintf("arn:%s:ssm:%s:%s:parameter%s", api.Partition(region), region, account, name)
}

// inPath reports whether name lies under path (directly unless recursive).
func inPath(name, path string, recursive bool) bool {
	prefix := strings.TrimSuffix(path, "/") + "/"
	if path == "/" {
		prefix = "/"
	}
	if !strings.HasPrefix(name, prefix) {
		return false
	}
	return recursive || !strings.Contains(name[len(prefix):], "/")
}
