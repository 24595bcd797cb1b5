package protocol

import (
	"net/url"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/protocol/model"
)

// Input is a request as the codecs see it: the body, and for query protocols the parsed form.
type Input struct {
	Body []byte
	Form url.Values
	// Path is the request's URL path (SQS's query form names the queue there).
	Path string
}

// Codec is one wire protocol: it decodes inputs and encodes outputs and
// errors. The bodies it returns may be handed back with Recycle once written.
type Codec interface {
	Name() string
	ContentType() string
	Decode(op *model.Operation, in *Input, into any) error
	Encode(svc *model.Service, op *model.Operation, out any, requestID string) []byte
	EncodeError(svc *model.Service, e *apierror.Error, requestID string) []byte
}

// The protocols Longshore speaks.
var (
	AWSJSON10 Codec = jsonCodec{name: "awsJson1_0", contentType: "application/x-amz-json-1.0"}
	AWSJSON11 Codec = jsonCodec{name: "awsJson1_1", contentType: "application/x-amz-json-1.1"}
	AWSQuery  Codec = queryCodec{}
	EC2Query  Codec = ec2Codec{}
)

type jsonCodec struct{ name, contentType string }

func (c jsonCodec) Name() string        { return c.name }
func (c jsonCodec) ContentType() string { return c.contentType }
func (jsonCodec) Decode(op *model.Operation, in *Input, into any) error {
	return DecodeJSON(op.Input, in.Body, into)
}
func (jsonCodec) Encode(_ *model.Service, op *model.Operation, out any, _ string) []byte {
	if e, ok := out.(*Encoded); ok {
		return e.JSON
	}
	return encodeJSON(op.Output, out).Bytes()
}
func (jsonCodec) EncodeError(svc *model.Service, e *apierror.Error, _ string) []byte {
	// A service that moved from awsQuery keeps its query codes in
	// x-amzn-query-error; its JSON __type is the error shape's name.
	if svc != nil && svc.Metadata.AWSQueryCompatible != nil {
		if sh := svc.ErrorShape(e.Code); sh != nil && sh.Name != e.Code {
			named := *e
			named.Code = sh.Name
			return EncodeJSONError(&named)
		}
	}
	return EncodeJSONError(e)
}

type queryCodec struct{}

func (queryCodec) Name() string        { return "awsQuery" }
func (queryCodec) ContentType() string { return "text/xml" }
func (queryCodec) Decode(op *model.Operation, in *Input, into any) error {
	return DecodeQuery(op.Input, in.Form, false, into)
}
func (queryCodec) Encode(svc *model.Service, op *model.Operation, out any, rid string) []byte {
	return encodeQueryXML(svc, op, OutputOf(out), rid).Bytes()
}
func (queryCodec) EncodeError(svc *model.Service, e *apierror.Error, rid string) []byte {
	return EncodeQueryError(svc, e, rid)
}

type ec2Codec struct{}

func (ec2Codec) Name() string        { return "ec2" }
func (ec2Codec) ContentType() string { return "text/xml;charset=UTF-8" }
func (ec2Codec) Decode(op *model.Operation, in *Input, into any) error {
	return DecodeQuery(op.Input, in.Form, true, into)
}
func (ec2Codec) Encode(svc *model.Service, op *model.Operation, out any, rid string) []byte {
	return encodeEC2XML(svc, op, OutputOf(out), rid).Bytes()
}
func (ec2Codec) EncodeError(_ *model.Service, e *apierror.Error, rid string) []byte {
	return EncodeEC2Error(e, rid)
}

// ForModel returns the codec of a model's primary protocol.
func ForModel(svc *model.Service) Codec {
	switch svc.Metadata.Protocol {
	case "json":
		if svc.Metadata.JSONVersion == "1.0" {
			return AWSJSON10
		}
		return AWSJSON11
	case "query":
		return AWSQuery
	case "ec2":
		return EC2Query
	case "smithy-rpc-v2-cbor":
		return RPCv2CBOR
	}
	return nil
}

// ForProtocol returns the codec of one of the protocols a model lists
// (metadata.protocols), or nil when Longshore does not speak it.
func ForProtocol(svc *model.Service, name string) Codec {
	switch name {
	case "json":
		if svc.Metadata.JSONVersion == "1.0" {
			return AWSJSON10
		}
		return AWSJSON11
	case "query":
		return AWSQuery
	case "ec2":
		return EC2Query
	case "smithy-rpc-v2-cbor":
		return RPCv2CBOR
	}
	return nil
}
