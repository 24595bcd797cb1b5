package sqs

import (
	"strings"

	"github.com/longshore/longshore/protocol"
	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/protocol/model"
)

// queryModel is the SQS model with the query form's names.
func queryModel() (*model.Service, error) {
	// queryNames are the element and parameter names of SQS's query form for
	// the members of the JSON model that names them otherwise (flattened lists
	// and maps are named by their entries: Attribute.1.Name, <QueueUrl>).
	queryNames := map[string]map[string]string{
		"CreateQueueRequest":                       {"Attributes": "Attribute", "tags": "Tag"},
		"SetQueueAttributesRequest":                {"Attributes": "Attribute"},
		"GetQueueAttributesRequest":                {"AttributeNames": "AttributeName"},
		"GetQueueAttributesResult":                 {"Attributes": "Attribute"},
		"ReceiveMessageRequest":                    {"AttributeNames": "AttributeName", "MessageSystemAttributeNames": "MessageSystemAttributeName", "MessageAttributeNames": "MessageAttributeName"},
		"ReceiveMessageResult":                     {"Messages": "Message"},
		"Message":                                  {"Attributes": "Attribute", "MessageAttributes": "MessageAttribute"},
		"SendMessageRequest":                       {"MessageAttributes": "MessageAttribute", "MessageSystemAttributes": "MessageSystemAttribute"},
		"SendMessageBatchRequestEntry":             {"MessageAttributes": "MessageAttribute", "MessageSystemAttributes": "MessageSystemAttribute"},
		"MessageAttributeValue":                    {"StringListValues": "StringListValue", "BinaryListValues": "BinaryListValue"},
		"MessageSystemAttributeValue":              {"StringListValues": "StringListValue", "BinaryListValues": "BinaryListValue"},
		"SendMessageBatchRequest":                  {"Entries": "SendMessageBatchRequestEntry"},
		"SendMessageBatchResult":                   {"Successful": "SendMessageBatchResultEntry", "Failed": "BatchResultErrorEntry"},
		"DeleteMessageBatchRequest":                {"Entries": "DeleteMessageBatchRequestEntry"},
		"DeleteMessageBatchResult":                 {"Successful": "DeleteMessageBatchResultEntry", "Failed": "BatchResultErrorEntry"},
		"ChangeMessageVisibilityBatchRequest":      {"Entries": "ChangeMessageVisibilityBatchRequestEntry"},
		"ChangeMessageVisibilityBatchResult":       {"Successful": "ChangeMessageVisibilityBatchResultEntry", "Failed": "BatchResultErrorEntry"},
		"ListQueuesResult":                         {"QueueUrls": "QueueUrl"},
		"ListDeadLetterSourceQueuesResult":         {"queueUrls": "QueueUrl"},
		"ListQueueTagsResult":                      {"Tags": "Tag"},
		"TagQueueRequest":                          {"Tags": "Tag"},
		"UntagQueueRequest":                        {"TagKeys": "TagKey"},
		"AddPermissionRequest":                     {"AWSAccountIds": "AWSAccountId", "Actions": "ActionName"},
		"ListMessageMoveTasksResult":               {"Results": "ListMessageMoveTasksResultEntry"},
		"ChangeMessageVisibilityBatchRequestEntry": {},
	}

	// queryMapEntries are the key and value names of the query form's maps.
	queryMapEntries := map[string][2]string{
		"QueueAttributeMap":             {"Name", "Value"},
		"TagMap":                        {"Key", "Value"},
		"MessageBodyAttributeMap":       {"Name", "Value"},
		"MessageBodySystemAttributeMap": {"Name", "Value"},
		"MessageSystemAttributeMap":     {"Name", "Value"},
	}

	return model.Derive("sqs", "query", func(raw map[string]any) {
		md, _ := raw["metadata"].(map[string]any)
		md["xmlNamespace"] = "http://queue.amazonaws.com/doc/2012-11-05/"
		shapes, _ := raw["shapes"].(map[string]any)
		for shape, names := range queryNames {
			sh, _ := shapes[shape].(map[string]any)
			members, _ := sh["members"].(map[string]any)
			for member, loc := range names {
				if ref, ok := members[member].(map[string]any); ok {
					ref["locationName"] = loc
				}
			}
		}
		for shape, kv := range queryMapEntries {
			sh, _ := shapes[shape].(map[string]any)
			if k, ok := sh["key"].(map[string]any); ok {
				k["locationName"] = kv[0]
			}
			if v, ok := sh["value"].(map[string]any); ok {
				v["locationName"] = kv[1]
			}
		}
	})
}

// queryCodec speaks SQS's query form: the generic awsQuery codec on the
// query-named model, with the queue URL taken from the request path when
// the form does not carry it (clients post to the queue's URL).
type queryCodec struct{ m *model.Service }

func newQueryCodec() protocol.Codec {
	m, err := queryModel()
	if err != nil {
		panic(err)
	}
	return queryCodec{m: m}
}

func (queryCodec) Name() string        { return "awsQuery" }
func (queryCodec) ContentType() string { return "text/xml" }

func (c queryCodec) op(op *model.Operation) *model.Operation {
	if o := c.m.Operations[op.Name]; o != nil {
		return o
	}
	return op
}

func (c queryCodec) Decode(op *model.Operation, in *protocol.Input, into any) error {
	qop := c.op(op)
	if qop.Input != nil && qop.Input.MemberByName("QueueUrl") != nil && in.Form.Get("QueueUrl") == "" {
		if p := strings.Trim(in.Path, "/"); strings.Count(p, "/") >= 1 {
			in.Form.Set("QueueUrl", "/"+p)
		}
	}
	return protocol.DecodeQuery(qop.Input, in.Form, false, into)
}

func (c queryCodec) Encode(_ *model.Service, op *model.Operation, out any, rid string) []byte {
	return protocol.EncodeQueryXML(c.m, c.op(op), protocol.OutputOf(out), rid)
}

func (c queryCodec) EncodeError(_ *model.Service, e *apierror.Error, rid string) []byte {
	return protocol.EncodeQueryError(c.m, e, rid)
}
