package iam

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// CredentialReport is the account's last generated credential report.
type CredentialReport struct {
	Generated time.Time
	Content   []byte
	// RootCreated stands for the account's creation time in the root row.
	RootCreated time.Time
}

// credentialReportLifetime is how long a report stays current: a newer request
// within it returns COMPLETE, a GetCredentialReport after it ReportExpired.
const credentialReportLifetime = 4 * time.Hour

// credentialReportColumns are AWS's credential report columns, in order.
var credentialReportColumns = []string{"user", "arn", "user_creation_time", "password_enabled", "password_last_used",
	"password_last_changed", "password_next_rotation", "mfa_active",
	"access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date", "access_key_1_last_used_region", "access_key_1_last_used_service",
	"access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date", "access_key_2_last_used_region", "access_key_2_last_used_service",
	"cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated"}

const notApplicable = "N/A"

func registerCredentialReport(s *api.Service, uses *keyUseLog) {
	api.Handle(s, "GenerateCredentialReport", func(c *api.Context, in *iam.GenerateCredentialReportInput) (*iam.GenerateCredentialReportOutput, error) {
		return generateCredentialReport(c, uses, in)
	})
	api.Handle(s, "GetCredentialReport", getCredentialReport)
}

func reportTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return notApplicable
	}
	return t.UTC().Format("2006-01-02T15:04:05+00:00")
}

// generateCredentialReport builds the report at once. Like AWS it answers
// STARTED when it begins a new report and COMPLETE while the last one is current.
func generateCredentialReport(c *api.Context, uses *keyUseLog, _ *iam.GenerateCredentialReportInput) (*iam.GenerateCredentialReportOutput, error) {
	s, err := loadSettings(c.Tx, c.Account())
	if err != nil {
		return nil, err
	}
	now := c.Now().UTC().Truncate(time.Second)
	if r := s.CredentialReport; r != nil && now.Sub(r.Generated) < credentialReportLifetime {
		return &iam.GenerateCredentialReportOutput{State: types.ReportStateTypeComplete}, nil
	}
	rootCreated := now
	if s.CredentialReport != nil {
		rootCreated = s.CredentialReport.RootCreated
	}
	content, err := buildCredentialReport(c, uses, s.PasswordPolicy, rootCreated)
	if err != nil {
		return nil, err
	}
	s.CredentialReport = &CredentialReport{Generated: now, Content: content, RootCreated: rootCreated}
	if err := saveSettings(c.Tx, c.Account(), s); err != nil {
		return nil, err
	}
	return &iam.GenerateCredentialReportOutput{State: types.ReportStateTypeStarted,
		Description: aws.String("No report exists. Starting a new report generation task")}, nil
}

func getCredentialReport(c *api.Context, _ *iam.GetCredentialReportInput) (*iam.GetCredentialReportOutput, error) {
	s, err := loadSettings(c.Tx, c.Account())
	if err != nil {
		return nil, err
	}
	r := s.CredentialReport
	if r == nil {
		return nil, apierror.New("ReportNotPresent", "Credential report not present. Use GenerateCredentialReport to generate a report.")
	}
	if c.Now().Sub(r.Generated) >= credentialReportLifetime {
		return nil, apierror.New("ReportExpired", "Credential report has expired. Use GenerateCredentialReport to generate a new report.")
	}
	return &iam.GetCredentialReportOutput{Content: r.Content, GeneratedTime: aws.Time(r.Generated), ReportFormat: types.ReportFormatTypeTextCsv}, nil
}

// keyColumns are the five columns of one access key slot.
func keyColumns(k *AccessKey) []string {
	if k == nil {
		return []string{"false", notApplicable, notApplicable, notApplicable, notApplicable}
	}
	row := []string{strconv.FormatBool(k.Status == types.StatusTypeActive), reportTime(k.CreateDate), notApplicable, notApplicable, notApplicable}
	if lu := k.LastUsed; lu != nil && lu.LastUsedDate != nil {
		row[2], row[3], row[4] = reportTime(lu.LastUsedDate), aws.ToString(lu.Region), aws.ToString(lu.ServiceName)
	}
	return row
}

// certColumns are the four columns of the two signing certificate slots.
func certColumns(c *api.Context, owner string) ([]string, error) {
	items, err := SigningCertificates.List(c.Tx, c.GlobalScope(), store.Query{Parent: owner})
	if err != nil {
		return nil, err
	}
	row := []string{"false", notApplicable, "false", notApplicable}
	for i := 0; i < 2 && i < len(items); i++ {
		sc := items[i].Doc
		row[2*i], row[2*i+1] = strconv.FormatBool(sc.Status == types.StatusTypeActive), reportTime(sc.UploadDate)
	}
	return row, nil
}

func buildCredentialReport(c *api.Context, uses *keyUseLog, policy *types.PasswordPolicy, rootCreated time.Time) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(credentialReportColumns)
	root := []string{"<root_account>", c.ARNPrefix() + "iam::" + c.Account() + ":root", reportTime(&rootCreated), "not_supported", "no_information",
		"not_supported", "not_supported", "false"}
	root = append(root, keyColumns(nil)...)
	root = append(root, keyColumns(nil)...)
	certs, err := certColumns(c, rootOwner)
	if err != nil {
		return nil, err
	}
	w.Write(append(root, certs...))
	users, err := Users.List(c.Tx, c.GlobalScope(), store.Query{})
	if err != nil {
		return nil, err
	}
	for _, it := range users {
		u := it.Doc
		name := aws.ToString(u.UserName)
		row := []string{name, aws.ToString(u.Arn), reportTime(u.CreateDate), "false", notApplicable, notApplicable, notApplicable}
		if lp := u.LoginProfile; lp != nil {
			row[3], row[4], row[5] = "true", "no_information", reportTime(lp.CreateDate)
			if u.PasswordLastUsed != nil {
				row[4] = reportTime(u.PasswordLastUsed)
			}
			if policy != nil && aws.ToInt32(policy.MaxPasswordAge) > 0 && lp.CreateDate != nil {
				row[6] = reportTime(aws.Time(lp.CreateDate.AddDate(0, 0, int(*policy.MaxPasswordAge))))
			}
		}
		mfa, err := MFADevices.Count(c.Tx, c.GlobalScope(), store.Query{Parent: nameKey(name)})
		if err != nil {
			return nil, err
		}
		row = append(row, strconv.FormatBool(mfa > 0))
		keys, err := userAccessKeys(c, name)
		if err != nil {
			return nil, err
		}
		uses.fill(keys)
		for i := 0; i < 2; i++ {
			var k *AccessKey
			if i < len(keys) {
				k = keys[i]
			}
			row = append(row, keyColumns(k)...)
		}
		certs, err := certColumns(c, nameKey(name))
		if err != nil {
			return nil, err
		}
		w.Write(append(row, certs...))
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}
