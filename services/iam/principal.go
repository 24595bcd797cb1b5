package iam

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/services/api"
)

// principal is one kind of IAM identity (user, group or role) as the
// operations on its inline policies, attached policies and permissions
// boundary see it. Those operations differ between the kinds only in names
// and quotas, so each is written once against this description.
type principal[T any] struct {
	noun        string           // "user": how IAM's messages name the kind
	entity      types.EntityType // "User": also how operation names spell it
	inlineQuota int
	load        func(c *api.Context, name string) (*T, error)
	// loadToChange loads an entity whose policies are about to change; it
	// refuses a service-linked role, which only AWS may modify.
	loadToChange func(c *api.Context, name string) (*T, error)
	save         func(c *api.Context, v *T) error
	fields       func(v *T) principalFields
	// checkAttach, when set, refuses a managed policy the kind cannot attach.
	checkAttach func(c *api.Context, arn string) error
}

// principalFields points into one entity's document.
type principalFields struct {
	name, id string
	inline   *[]InlinePolicy
	attached *[]types.AttachedPolicy
	boundary **types.AttachedPermissionsBoundary // nil for groups, which have none
}

var (
	userPrincipal = principal[User]{noun: "user", entity: types.EntityTypeUser, inlineQuota: maxInlineUser,
		load: GetUser, loadToChange: GetUser, save: PutUser,
		fields: func(u *User) principalFields {
			return principalFields{name: *u.UserName, id: *u.UserId, inline: &u.InlinePolicies, attached: &u.AttachedPolicies, boundary: &u.PermissionsBoundary}
		}}
	groupPrincipal = principal[Group]{noun: "group", entity: types.EntityTypeGroup, inlineQuota: maxInlineGroup,
		load: GetGroup, loadToChange: GetGroup, save: PutGroup,
		fields: func(g *Group) principalFields {
			return principalFields{name: *g.GroupName, id: *g.GroupId, inline: &g.InlinePolicies, attached: &g.AttachedPolicies}
		}}
	rolePrincipal = principal[Role]{noun: "role", entity: types.EntityTypeRole, inlineQuota: maxInlineRole,
		load: GetRole, loadToChange: modifiableRole, save: PutRole, checkAttach: checkRolePolicyAttachable,
		fields: func(r *Role) principalFields {
			return principalFields{name: *r.RoleName, id: *r.RoleId, inline: &r.InlinePolicies, attached: &r.AttachedPolicies, boundary: &r.PermissionsBoundary}
		}}
)

// change loads the named entity for a change, applies edit to its fields and
// saves it; an error from edit leaves it unsaved.
func (p principal[T]) change(c *api.Context, name *string, edit func(f principalFields) error) error {
	v, err := p.loadToChange(c, aws.ToString(name))
	if err != nil {
		return err
	}
	if err := edit(p.fields(v)); err != nil {
		return err
	}
	return p.save(c, v)
}

// read loads the named entity's fields without changing it.
func (p principal[T]) read(c *api.Context, name *string) (principalFields, error) {
	v, err := p.load(c, aws.ToString(name))
	if err != nil {
		return principalFields{}, err
	}
	return p.fields(v), nil
}

// putInlinePolicy is Put{User,Group,Role}Policy.
func (p principal[T]) putInlinePolicy(c *api.Context, name, policyName, doc *string) error {
	return p.change(c, name, func(f principalFields) error {
		list, err := putInline(*f.inline, aws.ToString(policyName), aws.ToString(doc), p.noun, f.name, p.inlineQuota)
		if err == nil {
			*f.inline = list
		}
		return err
	})
}

// getInlinePolicy is Get{User,Group,Role}Policy: the entity's name, the
// policy's name and its URL-encoded document.
func (p principal[T]) getInlinePolicy(c *api.Context, name, policyName *string) (entity, policy, doc *string, err error) {
	f, err := p.read(c, name)
	if err != nil {
		return nil, nil, nil, err
	}
	i, err := findInline(*f.inline, aws.ToString(policyName), p.noun)
	if err != nil {
		return nil, nil, nil, err
	}
	found := (*f.inline)[i]
	return aws.String(f.name), aws.String(found.Name), aws.String(encodeDocument(found.Document)), nil
}

// deleteInlinePolicy is Delete{User,Group,Role}Policy.
func (p principal[T]) deleteInlinePolicy(c *api.Context, name, policyName *string) error {
	return p.change(c, name, func(f principalFields) error {
		i, err := findInline(*f.inline, aws.ToString(policyName), p.noun)
		if err == nil {
			*f.inline = append((*f.inline)[:i:i], (*f.inline)[i+1:]...)
		}
		return err
	})
}

// listInlinePolicies is List{User,Group,Role}Policies.
func (p principal[T]) listInlinePolicies(c *api.Context, name, marker *string, maxItems *int32) ([]string, paging, error) {
	f, err := p.read(c, name)
	if err != nil {
		return nil, paging{}, err
	}
	return inlineNames(c, "List"+string(p.entity)+"Policies:"+nameKey(f.name), *f.inline, marker, maxItems)
}

// attachPolicy is Attach{User,Group,Role}Policy.
func (p principal[T]) attachPolicy(c *api.Context, name, arn *string) error {
	return p.change(c, name, func(f principalFields) error {
		if p.checkAttach != nil {
			if err := p.checkAttach(c, aws.ToString(arn)); err != nil {
				return err
			}
		}
		list, err := attach(c, *f.attached, aws.ToString(arn), p.entity, f.name, f.id)
		if err == nil {
			*f.attached = list
		}
		return err
	})
}

// detachPolicy is Detach{User,Group,Role}Policy.
func (p principal[T]) detachPolicy(c *api.Context, name, arn *string) error {
	return p.change(c, name, func(f principalFields) error {
		list, err := detach(c, *f.attached, aws.ToString(arn), p.entity, f.name)
		if err == nil {
			*f.attached = list
		}
		return err
	})
}

// listAttachedPolicies is ListAttached{User,Group,Role}Policies.
func (p principal[T]) listAttachedPolicies(c *api.Context, name, prefix, marker *string, maxItems *int32) ([]types.AttachedPolicy, paging, error) {
	f, err := p.read(c, name)
	if err != nil {
		return nil, paging{}, err
	}
	return pageAttached(c, "ListAttached"+string(p.entity)+"Policies:"+nameKey(f.name), *f.attached, prefix, marker, maxItems)
}

// putBoundary is Put{User,Role}PermissionsBoundary: the old boundary's use is
// forgotten before the new one is checked and recorded.
func (p principal[T]) putBoundary(c *api.Context, name, arn *string) error {
	return p.change(c, name, func(f principalFields) error {
		if err := p.forgetBoundary(c, f); err != nil {
			return err
		}
		b, err := setBoundary(c, p.entity, f.name, f.id, aws.ToString(arn))
		if err == nil {
			*f.boundary = b
		}
		return err
	})
}

// deleteBoundary is Delete{User,Role}PermissionsBoundary; an entity without
// one is left as it is.
func (p principal[T]) deleteBoundary(c *api.Context, name *string) error {
	v, err := p.loadToChange(c, aws.ToString(name))
	if err != nil {
		return err
	}
	f := p.fields(v)
	if *f.boundary == nil {
		return nil
	}
	if err := p.forgetBoundary(c, f); err != nil {
		return err
	}
	*f.boundary = nil
	return p.save(c, v)
}

// forgetBoundary removes the record of the entity's boundary, if it has one.
func (p principal[T]) forgetBoundary(c *api.Context, f principalFields) error {
	if *f.boundary == nil {
		return nil
	}
	return removeAttachment(c, aws.ToString((*f.boundary).PermissionsBoundaryArn), p.entity, f.name, true)
}
