package protocol

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/protocol/model"
)

// longKeyForm is IAM ListRoles with one junk key of n dots after a prefix,
// the request that used to cost CPU quadratic in the key's length. With the
// prefix "Marker" the key names a member and is split into the decoder's tree.
func longKeyForm(prefix string, n int) string {
	return "Action=ListRoles&Version=2010-05-08&" + prefix + strings.Repeat(".", n) + "=x"
}

// BenchmarkDecodeQueryLongKey parses and decodes a form whose one key is
// 100 KB, 1 MB and 10 MB long, as the server does. The time per byte must
// stay flat across the sizes (linear parsing):
//
//	go test ./protocol -run '^$' -bench DecodeQueryLongKey -benchtime 3x
func BenchmarkDecodeQueryLongKey(b *testing.B) {
	op := model.MustLoad("iam").Operations["ListRoles"]
	for _, prefix := range []string{"", "Marker"} {
		for _, n := range []int{100 << 10, 1 << 20, 10 << 20} {
			body := longKeyForm(prefix, n)
			b.Run(fmt.Sprintf("%s%dKB", prefix, n>>10), func(b *testing.B) {
				b.SetBytes(int64(len(body)))
				for i := 0; i < b.N; i++ {
					form, err := url.ParseQuery(body)
					if err != nil {
						b.Fatal(err)
					}
					if err := DecodeQuery(op.Input, form, false, new(iam.ListRolesInput)); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
