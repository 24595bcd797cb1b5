package policy

import (
	"regexp"
	"strings"
)

// ValidateWith is Validate with a check that the IAM users and roles a
// trust or resource policy names as principals exist, as IAM does (it stores
// them by unique id). principalExists gets each user or role ARN.
func ValidateWith(doc string, kind Kind, principalExists func(arn string) bool) error {
	d, err := parse(doc, kind)
	if err != nil || principalExists == nil {
		return err
	}
	for _, st := range d.Statements {
		if st.Principal == nil {
			continue
		}
		for _, e := range st.Principal.Entries {
			if e.Type != "AWS" {
				continue
			}
			for _, v := range e.Values {
				if iamEntityARN.MatchString(v) && !principalExists(v) {
					return invalidPrincipal(e.Type, v)
				}
			}
		}
	}
	return nil
}

var partitions = map[string]bool{"aws": true, "aws-cn": true, "aws-us-gov": true, "aws-iso": true,
	"aws-iso-b": true, "aws-iso-e": true, "aws-iso-f": true, "aws-eusc": true}

var iamPathStarts = []string{"user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/",
	"server-certificate/", "policy/", "sms-mfa/", "saml-provider/", "oidc-provider/", "report/", "access-report/"}

// checkLegacy runs the checks IAM reports as "The policy failed legacy
// parsing" and returns the first resource format error, which IAM reports
// later.
func checkLegacy(raws []rawStatement) (resourceErr string, ok bool) {
	for _, r := range raws {
		eff := r.n.get("Effect").str
		if eff != "Allow" && eff != "Deny" {
			return "", false
		}
		for _, c := range r.st.Conditions {
			if c.times == nil {
				continue
			}
			for i, v := range c.Values {
				if !c.tmpl[i].hasVars() && !c.valid[i] {
					_ = v
					return "", false
				}
			}
		}
	}
	for _, r := range raws {
		for _, p := range r.st.Resources {
			if resourceErr == "" {
				resourceErr = resourceFormat(p.Text)
			}
		}
		if resourceErr != "" {
			continue
		}
		for _, p := range r.st.Resources {
			if p.Text == "*" {
				continue
			}
			parts := strings.Split(p.Text, ":")
			if strings.Count(p.Text, ":") < 5 && strings.Contains(p.Text, "::") {
				return "", false
			}
			if len(parts) < 3 || parts[2] == "" {
				return "", false
			}
		}
	}
	return resourceErr, true
}

// resourceFormat returns IAM's message for a malformed resource ARN, or "".
func resourceFormat(res string) string {
	if res == "*" {
		return ""
	}
	_, rest, found := strings.Cut(res, ":")
	if !found {
		return "Resource " + res + ` must be in ARN format or "*".`
	}
	partition, rest, found := strings.Cut(rest, ":")
	if partition != "*" && !partitions[partition] {
		f := strings.Split(rest, ":")
		get := func(i int) string {
			if i < len(f) && (f[i] != "" || len(f) > 1) {
				return f[i]
			}
			return "*"
		}
		last := "*"
		if len(f) > 3 {
			last = strings.Join(f[3:], ":")
		}
		return `Partition "` + partition + `" is not valid for resource "arn:` + partition + ":" + get(0) + ":" + get(1) + ":" + get(2) + ":" + last + `".`
	}
	if !found {
		return msgResourceVendor
	}
	service, rest, _ := strings.Cut(rest, ":")
	region, rest, _ := strings.Cut(rest, ":")
	_, resource, _ := strings.Cut(rest, ":")
	switch service {
	case "iam":
		if region != "" {
			return "IAM resource " + res + " cannot contain region information."
		}
		if resource == "*" || resource == "root" || strings.HasPrefix(resource, "*") {
			return ""
		}
		for _, s := range iamPathStarts {
			if strings.HasPrefix(resource, s) {
				return ""
			}
		}
		return msgIAMResourcePath
	case "s3":
		if region != "" && !strings.HasPrefix(resource, "accesspoint/") {
			return "Resource " + res + " can not contain region information."
		}
	}
	return ""
}

// checkKind applies the rules of one kind of policy.
func checkKind(d *Document, raws []rawStatement, kind Kind) error {
	switch kind {
	case Identity, Managed:
		// A trust policy given as a permissions policy has no Resource
		// either; IAM names the Principal.
		for _, r := range raws {
			if r.st.Principal != nil {
				return malformed(msgNoPrincipal)
			}
		}
		for _, r := range raws {
			if !r.st.HasResource || len(r.st.Resources) == 0 {
				return malformed(msgNoResources)
			}
		}
	case Trust:
		// trustChecks has applied the trust policy parser's own rules.
		return checkPrincipals(raws)
	case Resource:
		for _, r := range raws {
			if r.st.Principal == nil {
				return malformed(msgMissingPrinc)
			}
		}
		return checkPrincipals(raws)
	}
	return nil
}

var (
	accountID     = regexp.MustCompile(`^\d{12}$`)
	iamEntityARN  = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:(user|role)/[^*?]+$`)
	awsPrincipal  = regexp.MustCompile(`^arn:aws[a-z-]*:(iam::\d{12}:(root|user/[^*?]+|role/[^*?]+|federated-user/[^*?]+)|sts::\d{12}:(assumed-role|federated-user)/[^*?]+)$`)
	servicePrinc  = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*\.amazonaws\.com$`)
	federatedARN  = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:(saml-provider|oidc-provider)/[^*?]+$`)
	canonicalUser = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

var builtinIdPs = map[string]bool{"cognito-identity.amazonaws.com": true, "www.amazon.com": true,
	"graph.facebook.com": true, "accounts.google.com": true}

func invalidPrincipal(typ, v string) error {
	return malformed(`Invalid principal in policy: "` + strings.ToUpper(typ) + `":"` + v + `"`)
}

// checkPrincipals checks that each principal is well formed.
func checkPrincipals(raws []rawStatement) error {
	for _, r := range raws {
		if r.st.Principal == nil {
			continue
		}
		for _, e := range r.st.Principal.Entries {
			for _, v := range e.Values {
				ok := false
				switch e.Type {
				case "AWS":
					ok = v == "*" || accountID.MatchString(v) || awsPrincipal.MatchString(v)
				case "Service":
					ok = servicePrinc.MatchString(v)
				case "Federated":
					ok = builtinIdPs[v] || federatedARN.MatchString(v)
				case "CanonicalUser":
					ok = canonicalUser.MatchString(v)
				}
				if !ok {
					return invalidPrincipal(e.Type, v)
				}
			}
		}
	}
	return nil
}
