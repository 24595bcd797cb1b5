package ssm

import (
	"context"
	"testing"
	"time"

	"github.com/longshore/longshore/store"
)

func TestResolveForAnotherService(t *testing.T) {
	s, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sc := store.Scope{Account: "123456789012", Region: "eu-west-1"}
	err = s.Write(context.Background(), func(tx *store.Tx) error {
		v := version{Name: "/app/token", Type: "SecureString", Value: "s3cret", Version: 1, KeyID: "alias/aws/ssm", LastModifiedDate: time.Now()}
		if err := versions.Put(tx, sc, versionKey(v.Name, 1), store.Index{Parent: v.Name}, &v); err != nil {
			return err
		}
		if err := storeParameter(tx, sc, &parameter{Latest: v}); err != nil {
			return err
		}
		for _, name := range []string{"/app/token", "/app/token:1", "arn:aws:ssm:eu-west-1:123456789012:parameter/app/token"} {
			got, err := Resolve(tx, sc.Account, sc.Region, name)
			if err != nil || got != "s3cret" {
				t.Errorf("%s: %q %v", name, got, err)
			}
		}
		if _, err := Resolve(tx, sc.Account, sc.Region, "/app/none"); err == nil || errCode(err) != "ParameterNotFound" {
			t.Errorf("missing: %v", err)
		}
		if got, err := Resolve(tx, sc.Account, sc.Region, "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"); err != nil || got == "" {
			t.Errorf("public: %q %v", got, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
