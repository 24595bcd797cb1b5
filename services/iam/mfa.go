package iam

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/iam/qrcode"
	"github.com/longshore/longshore/store"
)

// MFADevice is a virtual MFA device: its TOTP seed and, once enabled, its user.
type MFADevice struct {
	SerialNumber string
	Name         string
	Path         string
	Seed         string     // base32
	UserName     string     `json:",omitempty"`
	EnableDate   *time.Time `json:",omitempty"`
	// LastStep is the last TOTP step accepted, so a code is not accepted twice.
	LastStep int64       `json:",omitempty"`
	Tags     []types.Tag `json:",omitempty"`
}

// MFADevices is keyed by serial number; Index.Parent is the lower-cased user
// name of an enabled device and Index.Status its assignment status.
var MFADevices = store.Collection[MFADevice]{Kind: "iam/mfa-device"}

const (
	maxMFADevicesPerUser = 8
	mfaTagsQuota         = "TagsPerMFADevice"
	// mfaEnableWindow is how many 30-second steps either side of now EnableMFADevice
	// accepts; ResyncMFADevice accepts a day's drift.
	mfaEnableWindow = 10
	mfaResyncWindow = 2880
)

func registerMFA(s *api.Service) {
	api.Handle(s, "CreateVirtualMFADevice", createVirtualMFADevice)
	api.Handle(s, "DeleteVirtualMFADevice", deleteVirtualMFADevice)
	api.Handle(s, "EnableMFADevice", enableMFADevice)
	api.Handle(s, "DeactivateMFADevice", deactivateMFADevice)
	api.Handle(s, "ResyncMFADevice", resyncMFADevice)
	api.Handle(s, "GetMFADevice", getMFADevice)
	api.Handle(s, "ListMFADevices", listMFADevices)
	api.Handle(s, "ListVirtualMFADevices", listVirtualMFADevices)
	api.Handle(s, "TagMFADevice", func(c *api.Context, in *iam.TagMFADeviceInput) (*iam.TagMFADeviceOutput, error) {
		return &iam.TagMFADeviceOutput{}, mfaDeviceTags.tag(c, in.SerialNumber, in.Tags)
	})
	api.Handle(s, "UntagMFADevice", func(c *api.Context, in *iam.UntagMFADeviceInput) (*iam.UntagMFADeviceOutput, error) {
		return &iam.UntagMFADeviceOutput{}, mfaDeviceTags.untag(c, in.SerialNumber, in.TagKeys)
	})
	api.Handle(s, "ListMFADeviceTags", func(c *api.Context, in *iam.ListMFADeviceTagsInput) (*iam.ListMFADeviceTagsOutput, error) {
		tags, pg, err := mfaDeviceTags.list(c, in.SerialNumber, in.Marker, in.MaxItems)
		return &iam.ListMFADeviceTagsOutput{Tags: tags, Marker: pg.Marker, IsTruncated: pg.Truncated}, err
	})
}

var mfaDeviceTags = taggable[MFADevice]{rules: quotaTagRules(mfaTagsQuota),
	load: loadMFADevice, loadToChange: loadMFADevice, save: putMFADevice,
	tags:    func(d *MFADevice) *[]types.Tag { return &d.Tags },
	listing: func(d *MFADevice) string { return "iam:ListMFADeviceTags:" + d.SerialNumber }}

// mfaDependent blocks DeleteUser while the user has MFA devices.
func mfaDependent(c *api.Context, userName string) (string, error) {
	n, err := MFADevices.Count(c.Tx, c.GlobalScope(), store.Query{Parent: nameKey(userName)})
	if err != nil || n == 0 {
		return "", err
	}
	return "Cannot delete entity, must delete MFA device first.", nil
}

// mfaSummary counts the account's MFA devices and those in use.
func mfaSummary(c *api.Context) (map[string]int32, error) {
	all, err := MFADevices.Count(c.Tx, c.GlobalScope(), store.Query{})
	if err != nil {
		return nil, err
	}
	used, err := MFADevices.Count(c.Tx, c.GlobalScope(), store.Query{Status: string(types.AssignmentStatusTypeAssigned)})
	return map[string]int32{"MFADevices": int32(all), "MFADevicesInUse": int32(used)}, err
}

func (d *MFADevice) assigned() bool { return d.UserName != "" }

func putMFADevice(c *api.Context, d *MFADevice) error {
	ix := store.Index{Name: d.Name, Status: string(types.AssignmentStatusTypeUnassigned)}
	if d.assigned() {
		ix.Parent, ix.Status = nameKey(d.UserName), string(types.AssignmentStatusTypeAssigned)
	}
	return MFADevices.Put(c.Tx, c.GlobalScope(), d.SerialNumber, ix, d)
}

func noSuchMFADevice(serial string) error {
	return apierror.New("NoSuchEntity", "MFA Device with serial number %s does not exist.", serial)
}

// loadMFADevice finds a virtual MFA device by serial number.
func loadMFADevice(c *api.Context, serial string) (*MFADevice, error) {
	d, err := MFADevices.Get(c.Tx, c.GlobalScope(), serial)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, noSuchMFADevice(serial)
	}
	return d, nil
}

// newMFASeed returns a random 40-byte secret in base32 (64 characters).
func newMFASeed() string {
	b := make([]byte, 40)
	rand.Read(b)
	return base32.StdEncoding.EncodeToString(b)
}

// accountName is what authenticator apps show for the account: its alias, else its id.
func accountName(c *api.Context) (string, error) {
	aliases, err := aliasesOf(c.Tx, c.Account())
	if err != nil || len(aliases) == 0 {
		return c.Account(), err
	}
	return aliases[0].Doc.Alias, nil
}

func createVirtualMFADevice(c *api.Context, in *iam.CreateVirtualMFADeviceInput) (*iam.CreateVirtualMFADeviceOutput, error) {
	name, path := aws.ToString(in.VirtualMFADeviceName), defaultPath(in.Path)
	serial := iamARN(c, "mfa"+path+name)
	if old, err := MFADevices.Get(c.Tx, c.GlobalScope(), serial); err != nil {
		return nil, err
	} else if old != nil {
		return nil, apierror.New("EntityAlreadyExists", "MFA device already exists.")
	}
	tags, err := withTags(nil, in.Tags, mfaTagsQuota)
	if err != nil {
		return nil, err
	}
	d := &MFADevice{SerialNumber: serial, Name: name, Path: path, Seed: newMFASeed(), Tags: tags}
	account, err := accountName(c)
	if err != nil {
		return nil, err
	}
	png, err := qrcode.PNG([]byte("otpauth://totp/"+name+"@"+account+"?secret="+d.Seed), 5)
	if err != nil {
		return nil, apierror.New("InvalidInput", "The virtual MFA device name %q is too long to fit in a QR code.", name)
	}
	if err := putMFADevice(c, d); err != nil {
		return nil, err
	}
	return &iam.CreateVirtualMFADeviceOutput{VirtualMFADevice: &types.VirtualMFADevice{
		SerialNumber: aws.String(serial), Base32StringSeed: []byte(d.Seed), QRCodePNG: png, Tags: d.Tags}}, nil
}

func deleteVirtualMFADevice(c *api.Context, in *iam.DeleteVirtualMFADeviceInput) (*iam.DeleteVirtualMFADeviceOutput, error) {
	serial := aws.ToString(in.SerialNumber)
	d, err := MFADevices.Get(c.Tx, c.GlobalScope(), serial)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, apierror.New("NoSuchEntity", "VirtualMFADevice with serial number %s doesn't exist.", serial)
	}
	if d.assigned() {
		return nil, apierror.New("DeleteConflict", "MFA Device is still in use by %s.", d.UserName)
	}
	_, err = MFADevices.Delete(c.Tx, c.GlobalScope(), serial)
	return &iam.DeleteVirtualMFADeviceOutput{}, err
}

func invalidMFACode() error {
	return apierror.New("InvalidAuthenticationCode", "Authentication code for device is not valid.")
}

func enableMFADevice(c *api.Context, in *iam.EnableMFADeviceInput) (*iam.EnableMFADeviceOutput, error) {
	userName := targetUserName(c, in.UserName)
	u, err := requireUser(c, userName)
	if err != nil {
		return nil, err
	}
	d, err := loadMFADevice(c, aws.ToString(in.SerialNumber))
	if err != nil {
		return nil, err
	}
	if d.assigned() {
		return nil, apierror.New("EntityAlreadyExists", "MFA Device is already in use.")
	}
	n, err := MFADevices.Count(c.Tx, c.GlobalScope(), store.Query{Parent: nameKey(userName)})
	if err != nil {
		return nil, err
	}
	if n >= maxMFADevicesPerUser {
		return nil, apierror.New("LimitExceeded", "Cannot exceed quota for MFADevicesPerUser: %d", maxMFADevicesPerUser)
	}
	step, ok := matchConsecutiveCodes(d.Seed, aws.ToString(in.AuthenticationCode1), aws.ToString(in.AuthenticationCode2), c.Now(), mfaEnableWindow)
	if !ok {
		return nil, invalidMFACode()
	}
	d.UserName, d.EnableDate, d.LastStep = aws.ToString(u.UserName), aws.Time(c.Now().UTC().Truncate(time.Second)), step
	return &iam.EnableMFADeviceOutput{}, putMFADevice(c, d)
}

// userMFADevice finds a device enabled for the user (its name compared case-insensitively).
func userMFADevice(c *api.Context, userName, serial string) (*MFADevice, error) {
	d, err := MFADevices.Get(c.Tx, c.GlobalScope(), serial)
	if err != nil {
		return nil, err
	}
	if d == nil || !d.assigned() || !strings.EqualFold(d.UserName, userName) {
		return nil, noSuchMFADevice(serial)
	}
	return d, nil
}

func deactivateMFADevice(c *api.Context, in *iam.DeactivateMFADeviceInput) (*iam.DeactivateMFADeviceOutput, error) {
	userName := targetUserName(c, in.UserName)
	if userName == "" {
		// The root user's devices are not IAM's to manage here: Longshore has none.
		return nil, noSuchMFADevice(aws.ToString(in.SerialNumber))
	}
	if _, err := requireUser(c, userName); err != nil {
		return nil, err
	}
	d, err := userMFADevice(c, userName, aws.ToString(in.SerialNumber))
	if err != nil {
		return nil, err
	}
	d.UserName, d.EnableDate = "", nil
	return &iam.DeactivateMFADeviceOutput{}, putMFADevice(c, d)
}

func resyncMFADevice(c *api.Context, in *iam.ResyncMFADeviceInput) (*iam.ResyncMFADeviceOutput, error) {
	userName := targetUserName(c, in.UserName)
	if _, err := requireUser(c, userName); err != nil {
		return nil, err
	}
	d, err := userMFADevice(c, userName, aws.ToString(in.SerialNumber))
	if err != nil {
		return nil, err
	}
	step, ok := matchConsecutiveCodes(d.Seed, aws.ToString(in.AuthenticationCode1), aws.ToString(in.AuthenticationCode2), c.Now(), mfaResyncWindow)
	if !ok || step <= d.LastStep {
		return nil, invalidMFACode()
	}
	d.LastStep = step
	return &iam.ResyncMFADeviceOutput{}, putMFADevice(c, d)
}

func getMFADevice(c *api.Context, in *iam.GetMFADeviceInput) (*iam.GetMFADeviceOutput, error) {
	serial := aws.ToString(in.SerialNumber)
	d, err := MFADevices.Get(c.Tx, c.GlobalScope(), serial)
	if err != nil {
		return nil, err
	}
	if d == nil || !d.assigned() || (in.UserName != nil && !strings.EqualFold(*in.UserName, d.UserName)) {
		return nil, noSuchMFADevice(serial)
	}
	return &iam.GetMFADeviceOutput{SerialNumber: aws.String(d.SerialNumber), UserName: aws.String(d.UserName), EnableDate: d.EnableDate}, nil
}

func listMFADevices(c *api.Context, in *iam.ListMFADevicesInput) (*iam.ListMFADevicesOutput, error) {
	userName := targetUserName(c, in.UserName)
	devices := []types.MFADevice{}
	if userName != "" {
		if _, err := requireUser(c, userName); err != nil {
			return nil, err
		}
		items, err := MFADevices.List(c.Tx, c.GlobalScope(), store.Query{Parent: nameKey(userName)})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			devices = append(devices, types.MFADevice{SerialNumber: aws.String(it.Doc.SerialNumber),
				UserName: aws.String(it.Doc.UserName), EnableDate: it.Doc.EnableDate})
		}
	}
	page, next, truncated, err := pageByMarker("iam:ListMFADevices:"+nameKey(userName), devices, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iam.ListMFADevicesOutput{MFADevices: page, Marker: next, IsTruncated: truncated}, nil
}

func listVirtualMFADevices(c *api.Context, in *iam.ListVirtualMFADevicesInput) (*iam.ListVirtualMFADevicesOutput, error) {
	q := store.Query{}
	if in.AssignmentStatus != "" && in.AssignmentStatus != types.AssignmentStatusTypeAny {
		q.Status = string(in.AssignmentStatus)
	}
	// A page is read from the Marker's position in creation order.
	items, next, err := api.Paginate(c.Tx, c.GlobalScope(), MFADevices, q, markerPaging("iam:ListVirtualMFADevices:"+q.Status, in.Marker, in.MaxItems), nil)
	if err != nil {
		return nil, err
	}
	devices := []types.VirtualMFADevice{}
	for _, d := range items {
		v := types.VirtualMFADevice{SerialNumber: aws.String(d.SerialNumber), EnableDate: d.EnableDate, Tags: d.Tags}
		if d.assigned() {
			u, err := Users.Get(c.Tx, c.GlobalScope(), nameKey(d.UserName))
			if err != nil {
				return nil, err
			}
			if u != nil {
				v.User = &u.User
			}
		}
		devices = append(devices, v)
	}
	return &iam.ListVirtualMFADevicesOutput{VirtualMFADevices: devices, Marker: next, IsTruncated: next != nil}, nil
}
