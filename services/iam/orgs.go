package iam

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
)

// Longshore accounts are standalone: none belongs to an AWS Organization, so
// the organizations features answer as AWS does for such an account.
const noOrganizationMessage = "The request was rejected because no organization is associated with your account."

func errNoOrganization() error {
	return apierror.New("OrganizationNotFoundException", noOrganizationMessage)
}

func registerOrganizationsFeatures(s *api.Service) {
	api.Handle(s, "ListOrganizationsFeatures", func(*api.Context, *iam.ListOrganizationsFeaturesInput) (*iam.ListOrganizationsFeaturesOutput, error) {
		return nil, errNoOrganization()
	})
	api.Handle(s, "EnableOrganizationsRootCredentialsManagement", func(*api.Context, *iam.EnableOrganizationsRootCredentialsManagementInput) (*iam.EnableOrganizationsRootCredentialsManagementOutput, error) {
		return nil, errNoOrganization()
	})
	api.Handle(s, "DisableOrganizationsRootCredentialsManagement", func(*api.Context, *iam.DisableOrganizationsRootCredentialsManagementInput) (*iam.DisableOrganizationsRootCredentialsManagementOutput, error) {
		return nil, errNoOrganization()
	})
	api.Handle(s, "EnableOrganizationsRootSessions", func(*api.Context, *iam.EnableOrganizationsRootSessionsInput) (*iam.EnableOrganizationsRootSessionsOutput, error) {
		return nil, errNoOrganization()
	})
	api.Handle(s, "DisableOrganizationsRootSessions", func(*api.Context, *iam.DisableOrganizationsRootSessionsInput) (*iam.DisableOrganizationsRootSessionsOutput, error) {
		return nil, errNoOrganization()
	})
	api.Handle(s, "GenerateOrganizationsAccessReport", generateOrganizationsAccessReport)
	api.Handle(s, "GetOrganizationsAccessReport", getOrganizationsAccessReport)
}

// generateOrganizationsAccessReport starts a report job. With no organization
// to report on, the job fails, and GetOrganizationsAccessReport says why.
func generateOrganizationsAccessReport(c *api.Context, in *iam.GenerateOrganizationsAccessReportInput) (*iam.GenerateOrganizationsAccessReportOutput, error) {
	now := c.Now().UTC()
	job := &accessJob{ID: api.UUID(), Kind: orgsAccessJob, Entity: aws.ToString(in.EntityPath), Created: now, Completed: now,
		Status: types.JobStatusTypeFailed, Error: &types.ErrorDetails{Code: aws.String("OrganizationNotFoundException"), Message: aws.String(noOrganizationMessage)}}
	if err := putAccessJob(c, job); err != nil {
		return nil, err
	}
	return &iam.GenerateOrganizationsAccessReportOutput{JobId: aws.String(job.ID)}, nil
}

func getOrganizationsAccessReport(c *api.Context, in *iam.GetOrganizationsAccessReportInput) (*iam.GetOrganizationsAccessReportOutput, error) {
	job, err := loadAccessJob(c, aws.ToString(in.JobId), orgsAccessJob)
	if err != nil {
		return nil, err
	}
	return &iam.GetOrganizationsAccessReportOutput{JobStatus: job.Status, JobCreationDate: aws.Time(job.Created),
		JobCompletionDate: aws.Time(job.Completed), ErrorDetails: job.Error}, nil
}
