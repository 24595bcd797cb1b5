package autoscaling

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"regexp"
	"strings"
)

// ecsClusterRE finds the cluster an ECS agent joins in its configuration
// line, however a script writes it: ECS_CLUSTER=name, quoted or not.
var ecsClusterRE = regexp.MustCompile(`(?m)ECS_CLUSTER\s*=\s*["']?([A-Za-z0-9_-]{1,255})`)

// DecodeUserData turns user data as EC2 stores it (base64) into text: the
// base64 is undone when it decodes, and gzip when the result is compressed.
func DecodeUserData(s string) string {
	text := s
	if b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s)); err == nil {
		text = string(b)
	}
	return gunzip(text)
}

func gunzip(s string) string {
	if !strings.HasPrefix(s, "\x1f\x8b") {
		return s
	}
	r, err := gzip.NewReader(strings.NewReader(s))
	if err != nil {
		return s
	}
	b, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return s
	}
	return string(b)
}

// ClusterFromUserData returns the ECS cluster an instance's agent joins, as
// its user data configures it (plain text, a script, a cloud-init
// multi-part document, base64 or gzip inside), or "" when none is named.
func ClusterFromUserData(userData string) string {
	return clusterIn(DecodeUserData(userData), 0)
}

func clusterIn(text string, depth int) string {
	if m := ecsClusterRE.FindStringSubmatch(text); m != nil {
		return m[1]
	}
	if depth > 3 {
		return ""
	}
	for _, part := range mimeParts(text) {
		if name := clusterIn(part, depth+1); name != "" {
			return name
		}
	}
	// A script may carry the configuration base64-encoded.
	for _, word := range strings.Fields(text) {
		if len(word) >= 16 {
			if b, err := base64.StdEncoding.DecodeString(strings.Trim(word, `"'`)); err == nil {
				if name := clusterIn(gunzip(string(b)), depth+1); name != "" {
					return name
				}
			}
		}
	}
	return ""
}

// mimeParts returns the decoded bodies of a MIME multi-part document (cloud-init's format).
func mimeParts(text string) []string {
	msg, err := mail.ReadMessage(strings.NewReader(strings.ReplaceAll(text, "\r\n", "\n")))
	if err != nil {
		return nil
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mediaType, "multipart/") {
		return nil
	}
	r := multipart.NewReader(msg.Body, params["boundary"])
	var out []string
	for {
		p, err := r.NextPart()
		if err != nil {
			return out
		}
		b, _ := io.ReadAll(io.LimitReader(p, 1<<20))
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
			if d, err := base64.StdEncoding.DecodeString(string(bytes.TrimSpace(b))); err == nil {
				b = d
			}
		}
		out = append(out, gunzip(string(b)))
	}
}
