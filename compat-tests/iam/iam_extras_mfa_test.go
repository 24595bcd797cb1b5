package iam_test

import (
	"bytes"
	"image/png"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestExtrasVirtualMFADevices(t *testing.T) {
	_, client := coreStart(t)
	extrasCreateUser(t, client, "alice")
	dev := harness.Must(client.CreateVirtualMFADevice(harness.Ctx, &iam.CreateVirtualMFADeviceInput{
		VirtualMFADeviceName: aws.String("alice-phone"), Path: aws.String("/staff/"),
		Tags: []types.Tag{{Key: aws.String("owner"), Value: aws.String("alice")}}}))(t).VirtualMFADevice
	serial := aws.ToString(dev.SerialNumber)
	if serial != "arn:aws:iam::000000000000:mfa/staff/alice-phone" {
		t.Fatalf("serial %q", serial)
	}
	seed := string(dev.Base32StringSeed)
	if !regexp.MustCompile(`^[A-Z2-7]{64}$`).MatchString(seed) {
		t.Fatalf("seed %q", seed)
	}
	img, err := png.Decode(bytes.NewReader(dev.QRCodePNG))
	if err != nil || img.Bounds().Dx() < 100 {
		t.Fatalf("QR code PNG: %v", err)
	}
	_, err = client.CreateVirtualMFADevice(harness.Ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("alice-phone"), Path: aws.String("/staff/")})
	// LocalStack's AWS-validated snapshot (test_iam_mfa.snapshot.json,
	// test_virtual_mfa_device_errors "create-duplicate-error") records this text.
	harness.AssertError(t, err, "EntityAlreadyExists", 409, "MFA device already exists.")
	harness.Must(client.CreateVirtualMFADevice(harness.Ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("spare")}))(t)

	// Wrong codes are refused; two consecutive codes enable the device.
	now := time.Now()
	_, err = client.EnableMFADevice(harness.Ctx, &iam.EnableMFADeviceInput{UserName: aws.String("alice"), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String("000000"), AuthenticationCode2: aws.String("000000")})
	harness.AssertError(t, err, "InvalidAuthenticationCode", 403, "Authentication code for device is not valid.")
	_, err = client.EnableMFADevice(harness.Ctx, &iam.EnableMFADeviceInput{UserName: aws.String("nobody"), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String("000000"), AuthenticationCode2: aws.String("000000")})
	harness.AssertError(t, err, "NoSuchEntity", 404, "The user with name nobody cannot be found.")
	code1, code2 := extrasTOTP(t, seed, now.Add(-30*time.Second)), extrasTOTP(t, seed, now)
	harness.Must(client.EnableMFADevice(harness.Ctx, &iam.EnableMFADeviceInput{UserName: aws.String("alice"), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String(code1), AuthenticationCode2: aws.String(code2)}))(t)
	_, err = client.EnableMFADevice(harness.Ctx, &iam.EnableMFADeviceInput{UserName: aws.String("alice"), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String(code1), AuthenticationCode2: aws.String(code2)})
	harness.AssertError(t, err, "EntityAlreadyExists", 409, "")

	got := harness.Must(client.GetMFADevice(harness.Ctx, &iam.GetMFADeviceInput{SerialNumber: aws.String(serial)}))(t)
	if aws.ToString(got.UserName) != "alice" || got.EnableDate == nil {
		t.Fatalf("GetMFADevice %+v", got)
	}
	var devices []types.MFADevice
	mp := iam.NewListMFADevicesPaginator(client, &iam.ListMFADevicesInput{UserName: aws.String("alice")})
	for mp.HasMorePages() {
		devices = append(devices, harness.Must(mp.NextPage(harness.Ctx))(t).MFADevices...)
	}
	if len(devices) != 1 || aws.ToString(devices[0].SerialNumber) != serial {
		t.Fatalf("ListMFADevices %+v", devices)
	}
	_, err = client.ListMFADevices(harness.Ctx, &iam.ListMFADevicesInput{UserName: aws.String("nobody")})
	harness.AssertAPIError(t, err, "NoSuchEntity")

	// AssignmentStatus filters virtual devices; assigned ones carry their user.
	list := func(status types.AssignmentStatusType) []types.VirtualMFADevice {
		var out []types.VirtualMFADevice
		p := iam.NewListVirtualMFADevicesPaginator(client, &iam.ListVirtualMFADevicesInput{AssignmentStatus: status, MaxItems: aws.Int32(1)})
		for p.HasMorePages() {
			out = append(out, harness.Must(p.NextPage(harness.Ctx))(t).VirtualMFADevices...)
		}
		return out
	}
	if all := list(types.AssignmentStatusTypeAny); len(all) != 2 {
		t.Fatalf("Any: %d devices", len(all))
	}
	assigned := list(types.AssignmentStatusTypeAssigned)
	if len(assigned) != 1 || assigned[0].User == nil || aws.ToString(assigned[0].User.UserName) != "alice" || assigned[0].EnableDate == nil ||
		assigned[0].Base32StringSeed != nil || assigned[0].QRCodePNG != nil {
		t.Fatalf("Assigned: %+v", assigned)
	}
	if un := list(types.AssignmentStatusTypeUnassigned); len(un) != 1 || aws.ToString(un[0].SerialNumber) != "arn:aws:iam::000000000000:mfa/spare" {
		t.Fatalf("Unassigned: %+v", un)
	}

	// Resync with the next two codes.
	harness.Must(client.ResyncMFADevice(harness.Ctx, &iam.ResyncMFADeviceInput{UserName: aws.String("alice"), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String(extrasTOTP(t, seed, now.Add(30*time.Second))), AuthenticationCode2: aws.String(extrasTOTP(t, seed, now.Add(60*time.Second)))}))(t)
	_, err = client.ResyncMFADevice(harness.Ctx, &iam.ResyncMFADeviceInput{UserName: aws.String("alice"), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("654321")})
	harness.AssertAPIError(t, err, "InvalidAuthenticationCode")

	// A user with an MFA device cannot be deleted; a device in use cannot be deleted.
	_, err = client.DeleteUser(harness.Ctx, &iam.DeleteUserInput{UserName: aws.String("alice")})
	harness.AssertError(t, err, "DeleteConflict", 409, "Cannot delete entity, must delete MFA device first.")
	_, err = client.DeleteVirtualMFADevice(harness.Ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
	harness.AssertError(t, err, "DeleteConflict", 409, "")

	summary := harness.Must(client.GetAccountSummary(harness.Ctx, &iam.GetAccountSummaryInput{}))(t).SummaryMap
	if summary["MFADevices"] != 2 || summary["MFADevicesInUse"] != 1 {
		t.Errorf("summary MFADevices=%d MFADevicesInUse=%d", summary["MFADevices"], summary["MFADevicesInUse"])
	}

	// Tags.
	harness.Must(client.TagMFADevice(harness.Ctx, &iam.TagMFADeviceInput{SerialNumber: aws.String(serial),
		Tags: []types.Tag{{Key: aws.String("kind"), Value: aws.String("phone")}}}))(t)
	var tags []types.Tag
	tp := iam.NewListMFADeviceTagsPaginator(client, &iam.ListMFADeviceTagsInput{SerialNumber: aws.String(serial), MaxItems: aws.Int32(1)})
	for tp.HasMorePages() {
		tags = append(tags, harness.Must(tp.NextPage(harness.Ctx))(t).Tags...)
	}
	if len(tags) != 2 || aws.ToString(tags[1].Key) != "kind" {
		t.Fatalf("tags %+v", tags)
	}
	harness.Must(client.UntagMFADevice(harness.Ctx, &iam.UntagMFADeviceInput{SerialNumber: aws.String(serial), TagKeys: []string{"owner", "kind"}}))(t)
	if tl := harness.Must(client.ListMFADeviceTags(harness.Ctx, &iam.ListMFADeviceTagsInput{SerialNumber: aws.String(serial)}))(t).Tags; len(tl) != 0 {
		t.Errorf("tags after untag %+v", tl)
	}
	_, err = client.TagMFADevice(harness.Ctx, &iam.TagMFADeviceInput{SerialNumber: aws.String("arn:aws:iam::000000000000:mfa/ghost"),
		Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	harness.AssertAPIError(t, err, "NoSuchEntity")

	// Deactivate, then delete.
	_, err = client.DeactivateMFADevice(harness.Ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String("alice"), SerialNumber: aws.String("arn:aws:iam::000000000000:mfa/spare")})
	harness.AssertError(t, err, "NoSuchEntity", 404, "")
	// Without a user name the root user's devices are meant: it has none.
	_, err = client.DeactivateMFADevice(harness.Ctx, &iam.DeactivateMFADeviceInput{SerialNumber: aws.String(serial)})
	harness.AssertAPIError(t, err, "NoSuchEntity")
	harness.Must(client.DeactivateMFADevice(harness.Ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String("alice"), SerialNumber: aws.String(serial)}))(t)
	_, err = client.GetMFADevice(harness.Ctx, &iam.GetMFADeviceInput{SerialNumber: aws.String(serial)})
	harness.AssertAPIError(t, err, "NoSuchEntity")
	harness.Must(client.DeleteVirtualMFADevice(harness.Ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)}))(t)
	_, err = client.DeleteVirtualMFADevice(harness.Ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
	harness.AssertAPIError(t, err, "NoSuchEntity")
	harness.Must(client.DeleteUser(harness.Ctx, &iam.DeleteUserInput{UserName: aws.String("alice")}))(t)
}
