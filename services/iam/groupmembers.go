package iam

import (
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// GroupMember is a user's membership of a group, kept apart from the group
// so that a page of GetGroup reads only itself however many users the group
// holds (a group has no member quota). It is keyed by the group's and the
// user's ids, which survive renames, and Index.Parent is the group's id:
// a group's members list in the order they joined.
type GroupMember struct {
	UserName string
}

// GroupMembers holds every membership (a user's side is User.Groups,
// bounded by the groups-per-user quota).
var GroupMembers = store.Collection[GroupMember]{Kind: "iam/group-member"}

func memberID(g *Group, u *User) string {
	return aws.ToString(g.GroupId) + "/" + aws.ToString(u.UserId)
}

// putMember records u as a member of g; a member renamed keeps its place.
func putMember(c *api.Context, g *Group, u *User) error {
	return GroupMembers.Put(c.Tx, c.GlobalScope(), memberID(g, u), store.Index{Parent: aws.ToString(g.GroupId), Name: nameKey(aws.ToString(u.UserName))},
		&GroupMember{UserName: aws.ToString(u.UserName)})
}

func deleteMember(c *api.Context, g *Group, u *User) error {
	_, err := GroupMembers.Delete(c.Tx, c.GlobalScope(), memberID(g, u))
	return err
}

// groupMembers lists the names of all of g's members in join order.
func groupMembers(c *api.Context, g *Group) ([]string, error) {
	items, err := GroupMembers.List(c.Tx, c.GlobalScope(), store.Query{Parent: aws.ToString(g.GroupId)})
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(items))
	for _, it := range items {
		names = append(names, it.Doc.UserName)
	}
	return names, nil
}

// hasMembers reports whether g has a member.
func hasMembers(c *api.Context, g *Group) (bool, error) {
	items, err := GroupMembers.List(c.Tx, c.GlobalScope(), store.Query{Parent: aws.ToString(g.GroupId), Limit: 1})
	return len(items) > 0, err
}
