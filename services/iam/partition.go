package iam

import (
	"errors"
	"reflect"
	"strings"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
)

// AWS managed policies have one ARN in each partition
// (arn:aws-cn:iam::aws:policy/... in China): IAM keeps them in their aws
// form, whatever partition names them in a request, and answers each
// request with them in the partition of its region.
func managedInPartition(s *api.Service) {
	for _, h := range s.Handlers {
		call := h.Call
		h.Call = func(c *api.Context, in any) (any, error) {
			rewriteManaged(reflect.ValueOf(in), "aws")
			out, err := call(c, in)
			if p := c.Partition(); p != "aws" {
				rewriteManaged(reflect.ValueOf(out), p)
				var e *apierror.Error
				if errors.As(err, &e) {
					e.Message = strings.ReplaceAll(e.Message, awsPolicyARNPrefix, "arn:"+p+":iam::aws:policy/")
				}
			}
			return out, err
		}
	}
}

// rewriteManaged sets every AWS managed policy ARN reachable from v (strings
// in structs, pointers and slices) in partition p.
func rewriteManaged(v reflect.Value, p string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			rewriteManaged(v.Elem(), p)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if f := v.Field(i); f.CanSet() {
				rewriteManaged(f, p)
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			rewriteManaged(v.Index(i), p)
		}
	case reflect.String:
		s := v.String()
		if !strings.HasPrefix(s, "arn:") || !strings.Contains(s, ":iam::aws:policy/") || !v.CanSet() {
			return
		}
		if canon := anyPartition(s); strings.HasPrefix(canon, awsPolicyARNPrefix) {
			v.SetString(api.InPartition(canon, p))
		}
	}
}
