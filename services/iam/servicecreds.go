package iam

import (
	"crypto/rand"
	"encoding/base64"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// ServiceCredential is a service-specific credential: a user name and password
// for CodeCommit or Keyspaces, or an API key for Bedrock.
type ServiceCredential struct {
	types.ServiceSpecificCredential
}

// ServiceCredentials is keyed by credential id; Index.Parent is the lower-cased
// user name and Index.Attr the service name.
var ServiceCredentials = store.Collection[ServiceCredential]{Kind: "iam/service-specific-credential"}

const maxServiceCredentialsPerService = 2

// bedrockService issues API keys (alias and secret) rather than user names and
// passwords, and is the one service whose credentials may expire.
const bedrockService = "bedrock.amazonaws.com"

// serviceCredentialServices are the services that accept service-specific credentials.
var serviceCredentialServices = map[string]bool{
	"codecommit.amazonaws.com": true,
	"cassandra.amazonaws.com":  true,
	bedrockService:             true,
}

func registerServiceCredentials(s *api.Service) {
	api.Handle(s, "CreateServiceSpecificCredential", createServiceCredential)
	api.Handle(s, "ListServiceSpecificCredentials", listServiceCredentials)
	api.Handle(s, "ResetServiceSpecificCredential", resetServiceCredential)
	api.Handle(s, "UpdateServiceSpecificCredential", updateServiceCredential)
	api.Handle(s, "DeleteServiceSpecificCredential", deleteServiceCredential)
}

// serviceCredentialDependent blocks DeleteUser while the user has service-specific credentials.
func serviceCredentialDependent(c *api.Context, userName string) (string, error) {
	n, err := ServiceCredentials.Count(c.Tx, c.GlobalScope(), store.Query{Parent: nameKey(userName)})
	if err != nil || n == 0 {
		return "", err
	}
	return "Cannot delete entity, must delete service specific credentials first.", nil
}

// newServicePassword returns a 44-character base64 password (32 random bytes).
func newServicePassword() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// newSecrets sets fresh secrets on a credential, in its service's form.
func (sc *ServiceCredential) newSecrets() {
	if aws.ToString(sc.ServiceName) == bedrockService {
		sc.ServiceCredentialSecret = aws.String("ABSK" + newServicePassword())
		return
	}
	sc.ServicePassword = aws.String(newServicePassword())
}

func (sc *ServiceCredential) metadata() types.ServiceSpecificCredentialMetadata {
	return types.ServiceSpecificCredentialMetadata{CreateDate: sc.CreateDate, ServiceName: sc.ServiceName,
		ServiceSpecificCredentialId: sc.ServiceSpecificCredentialId, Status: sc.Status, UserName: sc.UserName,
		ExpirationDate: sc.ExpirationDate, ServiceCredentialAlias: sc.ServiceCredentialAlias, ServiceUserName: sc.ServiceUserName}
}

func putServiceCredential(c *api.Context, sc *ServiceCredential) error {
	return ServiceCredentials.Put(c.Tx, c.GlobalScope(), aws.ToString(sc.ServiceSpecificCredentialId),
		store.Index{Parent: nameKey(aws.ToString(sc.UserName)), Attr: aws.ToString(sc.ServiceName)}, sc)
}

func loadServiceCredential(c *api.Context, userName *string, id string) (*ServiceCredential, error) {
	name := targetUserName(c, userName)
	if name != "" {
		if _, err := requireUser(c, name); err != nil {
			return nil, err
		}
	}
	sc, err := ServiceCredentials.Get(c.Tx, c.GlobalScope(), id)
	if err != nil {
		return nil, err
	}
	// The root user has no service-specific credentials.
	if sc == nil || name == "" || !strings.EqualFold(aws.ToString(sc.UserName), name) {
		return nil, apierror.New("NoSuchEntity", "No such credential %s exists", id)
	}
	return sc, nil
}

func createServiceCredential(c *api.Context, in *iam.CreateServiceSpecificCredentialInput) (*iam.CreateServiceSpecificCredentialOutput, error) {
	u, err := requireUser(c, aws.ToString(in.UserName))
	if err != nil {
		return nil, err
	}
	service := aws.ToString(in.ServiceName)
	if !serviceCredentialServices[service] {
		return nil, apierror.New("NotSupportedService", "No such service %s is supported for Service-Specific Credentials", service)
	}
	if in.CredentialAgeDays != nil && service != bedrockService {
		return nil, apierror.New("InvalidInput", "CredentialAgeDays is only supported for %s.", bedrockService)
	}
	userName := aws.ToString(u.UserName)
	if n, err := ServiceCredentials.Count(c.Tx, c.GlobalScope(), store.Query{Parent: nameKey(userName), Attr: service}); err != nil {
		return nil, err
	} else if n >= maxServiceCredentialsPerService {
		return nil, apierror.New("LimitExceeded", "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: %d", maxServiceCredentialsPerService)
	}
	now := c.Now().UTC().Truncate(time.Second)
	sc := &ServiceCredential{}
	sc.CreateDate, sc.ServiceName, sc.Status, sc.UserName = aws.Time(now), aws.String(service), types.StatusTypeActive, aws.String(userName)
	sc.ServiceSpecificCredentialId = aws.String("ACCA" + api.RandomString(upperAlnumDigits, 17))
	if service == bedrockService {
		sc.ServiceCredentialAlias = aws.String(userName + "-at-" + c.Account())
		if in.CredentialAgeDays != nil {
			sc.ExpirationDate = aws.Time(now.AddDate(0, 0, int(*in.CredentialAgeDays)))
		}
	} else {
		sc.ServiceUserName = aws.String(userName + "-at-" + c.Account())
	}
	sc.newSecrets()
	if err := putServiceCredential(c, sc); err != nil {
		return nil, err
	}
	out := sc.ServiceSpecificCredential
	return &iam.CreateServiceSpecificCredentialOutput{ServiceSpecificCredential: &out}, nil
}

func listServiceCredentials(c *api.Context, in *iam.ListServiceSpecificCredentialsInput) (*iam.ListServiceSpecificCredentialsOutput, error) {
	q := store.Query{Attr: aws.ToString(in.ServiceName)}
	listing := "iam:ListServiceSpecificCredentials:" + q.Attr
	if !aws.ToBool(in.AllUsers) {
		name := targetUserName(c, in.UserName)
		if name == "" {
			return &iam.ListServiceSpecificCredentialsOutput{ServiceSpecificCredentials: []types.ServiceSpecificCredentialMetadata{}}, nil
		}
		if _, err := requireUser(c, name); err != nil {
			return nil, err
		}
		q.Parent = nameKey(name)
		listing += ":" + q.Parent
	}
	// AllUsers lists every user's: a page is read from the Marker's position.
	items, next, err := api.Paginate(c.Tx, c.GlobalScope(), ServiceCredentials, q, markerPaging(listing, in.Marker, in.MaxItems), nil)
	if err != nil {
		return nil, err
	}
	list := []types.ServiceSpecificCredentialMetadata{}
	for _, sc := range items {
		list = append(list, sc.metadata())
	}
	return &iam.ListServiceSpecificCredentialsOutput{ServiceSpecificCredentials: list, Marker: next, IsTruncated: next != nil}, nil
}

func resetServiceCredential(c *api.Context, in *iam.ResetServiceSpecificCredentialInput) (*iam.ResetServiceSpecificCredentialOutput, error) {
	sc, err := loadServiceCredential(c, in.UserName, aws.ToString(in.ServiceSpecificCredentialId))
	if err != nil {
		return nil, err
	}
	sc.newSecrets()
	if err := putServiceCredential(c, sc); err != nil {
		return nil, err
	}
	out := sc.ServiceSpecificCredential
	return &iam.ResetServiceSpecificCredentialOutput{ServiceSpecificCredential: &out}, nil
}

func updateServiceCredential(c *api.Context, in *iam.UpdateServiceSpecificCredentialInput) (*iam.UpdateServiceSpecificCredentialOutput, error) {
	sc, err := loadServiceCredential(c, in.UserName, aws.ToString(in.ServiceSpecificCredentialId))
	if err != nil {
		return nil, err
	}
	sc.Status = in.Status
	return &iam.UpdateServiceSpecificCredentialOutput{}, putServiceCredential(c, sc)
}

func deleteServiceCredential(c *api.Context, in *iam.DeleteServiceSpecificCredentialInput) (*iam.DeleteServiceSpecificCredentialOutput, error) {
	sc, err := loadServiceCredential(c, in.UserName, aws.ToString(in.ServiceSpecificCredentialId))
	if err != nil {
		return nil, err
	}
	_, err = ServiceCredentials.Delete(c.Tx, c.GlobalScope(), aws.ToString(sc.ServiceSpecificCredentialId))
	return &iam.DeleteServiceSpecificCredentialOutput{}, err
}
