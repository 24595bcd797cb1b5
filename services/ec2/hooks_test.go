package ec2

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/store"
)

func testStore(t *testing.T) (*store.Store, *time.Time) {
	t.Helper()
	s, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s.Now = func() time.Time { return now }
	return s, &now
}

func write(t *testing.T, s *store.Store, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := s.Write(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// The interfaces other services create take addresses from the subnet without duplicates.
func TestCreateInterfaceForAnotherService(t *testing.T) {
	s, _ := testStore(t)
	var subnet string
	var ips []string
	write(t, s, func(tx *store.Tx) error {
		vpc, err := DefaultVpc(tx, "123456789012", "us-east-1")
		if err != nil {
			return err
		}
		subs, err := all(subnets, tx, store.Scope{Account: "123456789012", Region: "us-east-1"}, store.Query{Parent: vpc})
		if err != nil {
			return err
		}
		subnet = aws.ToString(subs[1].SubnetId)
		for i := 0; i < 3; i++ {
			eni, err := CreateInterface(tx, "123456789012", "us-east-1", InterfaceSpec{SubnetID: subnet, Description: "ecs task", RequesterID: "ecs"})
			if err != nil {
				return err
			}
			ips = append(ips, eni.PrivateIP)
			if eni.AvailabilityZone != "us-east-1b" || eni.VpcID != vpc || !strings.HasPrefix(eni.MAC, "0e:") {
				t.Errorf("interface %+v", eni)
			}
			if i == 0 {
				if err := DeleteInterface(tx, "123456789012", "us-east-1", eni.ID); err != nil {
					return err
				}
			}
		}
		return nil
	})
	// Addresses start after the four AWS reserves, and a freed one is not reused at once.
	if strings.Join(ips, ",") != "172.31.16.4,172.31.16.5,172.31.16.6" {
		t.Errorf("addresses %v", ips)
	}
	write(t, s, func(tx *store.Tx) error {
		sub, err := LookupSubnet(tx, "123456789012", "us-east-1", subnet)
		if err != nil {
			return err
		}
		c := contextFor(tx, "123456789012", "us-east-1")
		sub, err = withIPCount(c, sub)
		if err != nil {
			return err
		}
		if n := aws.ToInt32(sub.AvailableIpAddressCount); n != 4089 {
			t.Errorf("free addresses %d", n)
		}
		if _, err := LookupSubnet(tx, "123456789012", "us-east-1", "subnet-0000000000000000a"); err == nil || !strings.Contains(err.Error(), "InvalidSubnetID.NotFound") {
			t.Errorf("unknown subnet: %v", err)
		}
		if err := CheckSecurityGroups(tx, "123456789012", "us-east-1", "", []string{"sg-0000000000000000a"}); err == nil || !strings.Contains(err.Error(), "InvalidGroup.NotFound") {
			t.Errorf("unknown group: %v", err)
		}
		return nil
	})
}

// Auto Scaling launches and terminates instances in its own transaction and
// polls their states.
func TestLaunchAndObserveInstances(t *testing.T) {
	s, now := testStore(t)
	userData := "IyEvYmluL2Jhc2gKZWNobyBFQ1NfQ0xVU1RFUj1wcm9kID4+IC9ldGMvZWNzL2Vjcy5jb25maWc="
	var ids []string
	write(t, s, func(tx *store.Tx) error {
		res, err := LaunchInstances(tx, "123456789012", "us-east-1", "autoscaling.amazonaws.com", &sdk.RunInstancesInput{
			MinCount: aws.Int32(2), MaxCount: aws.Int32(2), ImageId: aws.String(ImageID("us-east-1", PublicImages[2].Name)),
			InstanceType: types.InstanceTypeT3Medium, UserData: aws.String(userData),
			TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeInstance, Tags: []types.Tag{{Key: aws.String("aws:autoscaling:groupName"), Value: aws.String("asg")}}}}})
		if err != nil {
			return err
		}
		for _, i := range res.Instances {
			ids = append(ids, aws.ToString(i.InstanceId))
		}
		return nil
	})
	check := func(state types.InstanceStateName, want int) {
		t.Helper()
		write(t, s, func(tx *store.Tx) error {
			got, err := InstancesByState(tx, "123456789012", "us-east-1", state)
			if err != nil {
				return err
			}
			if len(got) != want {
				t.Errorf("%s: %d instances", state, len(got))
			}
			for _, i := range got {
				if !strings.Contains(i.DecodedUserData(), "ECS_CLUSTER=prod") || i.RequesterID != "autoscaling.amazonaws.com" || aws.ToString(i.Tags[0].Value) != "asg" {
					t.Errorf("instance %+v", i)
				}
			}
			return nil
		})
	}
	check(types.InstanceStateNamePending, 2)
	*now = now.Add(InstancePendingDelay)
	check(types.InstanceStateNameRunning, 2)
	write(t, s, func(tx *store.Tx) error {
		_, err := TerminateInstances(tx, "123456789012", "us-east-1", ids[:1])
		return err
	})
	*now = now.Add(InstanceShutdownDelay)
	check(types.InstanceStateNameTerminated, 1)
	check(types.InstanceStateNameRunning, 1)
	*now = now.Add(TerminatedRetention + time.Second)
	check(types.InstanceStateNameTerminated, 0)
}
