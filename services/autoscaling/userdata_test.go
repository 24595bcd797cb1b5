package autoscaling

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"testing"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func gz(s string) string {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write([]byte(s))
	w.Close()
	return buf.String()
}

func TestClusterFromUserData(t *testing.T) {
	script := "#!/bin/bash\necho ECS_CLUSTER=web-prod >> /etc/ecs/ecs.config\necho ECS_ENABLE_SPOT_INSTANCE_DRAINING=true >> /etc/ecs/ecs.config\n"
	multipart := "Content-Type: multipart/mixed; boundary=\"==B==\"\nMIME-Version: 1.0\n\n--==B==\nContent-Type: text/cloud-config; charset=\"us-ascii\"\n\npackages: [jq]\n\n--==B==\nContent-Type: text/x-shellscript; charset=\"us-ascii\"\nContent-Transfer-Encoding: base64\n\n" +
		b64("#!/bin/bash\ncat <<'EOF' >> /etc/ecs/ecs.config\nECS_CLUSTER=batch\nEOF\n") + "\n--==B==--\n"
	cases := []struct {
		name, in, want string
	}{
		{"plain", "ECS_CLUSTER=demo", "demo"},
		{"base64 plain", b64("ECS_CLUSTER=demo"), "demo"},
		{"script", script, "web-prod"},
		{"base64 script", b64(script), "web-prod"},
		{"quoted", "#!/bin/bash\necho 'ECS_CLUSTER=\"quoted_1\"' >> /etc/ecs/ecs.config", "quoted_1"},
		{"gzip base64", base64.StdEncoding.EncodeToString([]byte(gz(script))), "web-prod"},
		{"cloud-init multipart", b64(multipart), "batch"},
		{"nested base64 in script", "#!/bin/bash\necho " + b64("ECS_CLUSTER=inner") + " | base64 -d >> /etc/ecs/ecs.config", "inner"},
		{"none", b64("#!/bin/bash\nyum update -y\n"), ""},
		{"empty", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ClusterFromUserData(tc.in); got != tc.want {
				t.Errorf("ClusterFromUserData = %q, want %q", got, tc.want)
			}
		})
	}
}
