package ecs

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// clientTokens: id = operation + "/" + client token; what a request with that
// token created, so that a retried request gets the same answer instead of a
// second resource.
var clientTokens = store.Collection[clientTokenRecord]{Kind: "ecs/client-token"}

type clientTokenRecord struct {
	RequestHash string
	Resources   []string
}

// requestHash fingerprints a request without its client token.
func requestHash(in any) string {
	b, _ := json.Marshal(in)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// replayed returns the resources an earlier request with the same token
// created; a token reused with other parameters is a ConflictException.
func replayed(c *api.Context, op, token, hash string) ([]string, error) {
	if token == "" {
		return nil, nil
	}
	rec, err := clientTokens.Get(c.Tx, c.Scope(), op+"/"+token)
	if err != nil || rec == nil {
		return nil, err
	}
	if rec.RequestHash != hash {
		return nil, apierror.New("ConflictException", "The specified client token has already been used in a request with different parameters.")
	}
	return rec.Resources, nil
}

// remember records what a request with a client token created.
func remember(c *api.Context, op, token, hash string, resources []string) error {
	if token == "" {
		return nil
	}
	return clientTokens.Put(c.Tx, c.Scope(), op+"/"+token, store.Index{Name: op}, &clientTokenRecord{RequestHash: hash, Resources: resources})
}
