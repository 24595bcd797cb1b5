package ecs

import "github.com/longshore/longshore/services/api"

// infraUUID returns a random RFC 4122 version 4 UUID, the form ECS uses for
// container instance, attachment and agent ids.
func infraUUID() string {
	h := []byte(api.HexID(32))
	h[12] = '4'
	h[16] = "89ab"[int(h[16])%4]
	s := string(h)
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
}
