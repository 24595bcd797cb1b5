package iam

import (
	"crypto/sha256"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// awsPolicy is one entry of the AWS managed policy catalogue.
type awsPolicy struct {
	Name, Path, ID, Version, Description string
	Created, Updated                     string // RFC 3339
	Document                             string
}

// awsCatalogue is the catalogue with stable ids, in ListPolicies order.
var awsCatalogue = buildCatalogue(awsManagedPolicies)

var awsCatalogueByARN = func() map[string]int {
	m := map[string]int{}
	for i, a := range awsCatalogue {
		m[a.arn()] = i
	}
	return m
}()

// buildCatalogue gives each entry a fixed ANPA id derived from its name, the
// same in every account and run.
func buildCatalogue(in []awsPolicy) []awsPolicy {
	out := append([]awsPolicy(nil), in...)
	for i := range out {
		if out[i].ID == "" {
			out[i].ID = stableID("ANPA", out[i].Name)
		}
	}
	return out
}

// stableID derives a 21-character IAM-style id from a name.
func stableID(prefix, name string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	sum := sha256.Sum256([]byte(name))
	id := []byte(prefix)
	for i := 0; len(id) < 21; i++ {
		id = append(id, alphabet[sum[i]%32])
	}
	return string(id)
}

// awsManagedPolicy returns the catalogue entry with arn as a fresh ManagedPolicy, or nil.
func awsManagedPolicy(arn string) *ManagedPolicy {
	i, ok := awsCatalogueByARN[arn]
	if !ok {
		return nil
	}
	return awsCatalogue[i].policy()
}

func (a awsPolicy) arn() string { return awsPolicyARNPrefix + a.Path[1:] + a.Name }

func (a awsPolicy) policy() *ManagedPolicy {
	created, updated := parseTime(a.Created), parseTime(a.Updated)
	var description *string
	if a.Description != "" {
		description = aws.String(a.Description)
	}
	return &ManagedPolicy{
		Policy: types.Policy{
			Arn: aws.String(a.arn()), PolicyName: aws.String(a.Name), PolicyId: aws.String(a.ID), Path: aws.String(a.Path),
			DefaultVersionId: aws.String(a.Version), Description: description, IsAttachable: true,
			CreateDate: created, UpdateDate: updated,
		},
		Versions: []types.PolicyVersion{{VersionId: aws.String(a.Version), IsDefaultVersion: true, Document: aws.String(a.Document), CreateDate: updated}},
	}
}
