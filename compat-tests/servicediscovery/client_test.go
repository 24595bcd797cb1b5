package servicediscovery_test

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	sd "github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// client is a Cloud Map client for a local endpoint. The SDK sends
// DiscoverInstances and DiscoverInstancesRevision to "data-" + the endpoint's
// host, which names nothing on loopback; like any user of a local endpoint,
// the tests turn that host prefix off.
func client(cfg aws.Config) *sd.Client {
	return sd.NewFromConfig(cfg, func(o *sd.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("NoHostPrefix",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
				}), middleware.Before)
		})
	})
}
