package api

import (
	"github.com/longshore/longshore/protocol"
	"github.com/longshore/longshore/protocol/model"
	"github.com/longshore/longshore/store"
)

// modelCodec stores documents in their wire form (the model's JSON), which
// decodes about twice as fast as encoding/json of the SDK structs and is smaller.
type modelCodec struct{ shape *model.Shape }

// ModelCodec is a store codec for SDK structs of a model shape, e.g. ("ecs", "Task").
func ModelCodec(service, shape string) store.Codec {
	sh := model.MustLoad(service).Shapes[shape]
	if sh == nil {
		panic("api: model " + service + " has no shape " + shape)
	}
	return modelCodec{shape: sh}
}

func (m modelCodec) Marshal(v any) ([]byte, error) { return protocol.EncodeJSON(m.shape, v), nil }

func (m modelCodec) Unmarshal(data []byte, v any) error { return protocol.DecodeJSON(m.shape, data, v) }
