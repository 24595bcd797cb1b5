package ecs

import "github.com/longshore/longshore/services/api"

// registerInfrastructure registers clusters, capacity providers, task
// definitions, container instances and their agent calls, account settings,
// attributes, tags and daemons.
func registerInfrastructure(s *api.Service, h *handlers) {
	api.Handle(s, "CreateCluster", h.createCluster)
	api.Handle(s, "DeleteCluster", deleteCluster)
	api.Handle(s, "DescribeClusters", describeClusters)
	api.Handle(s, "ListClusters", listClusters)
	api.Handle(s, "UpdateCluster", updateCluster)
	api.Handle(s, "UpdateClusterSettings", updateClusterSettings)
	api.Handle(s, "PutClusterCapacityProviders", putClusterCapacityProviders)

	api.Handle(s, "CreateCapacityProvider", createCapacityProvider)
	api.Handle(s, "DeleteCapacityProvider", deleteCapacityProvider)
	api.Handle(s, "DescribeCapacityProviders", describeCapacityProviders)
	api.Handle(s, "UpdateCapacityProvider", updateCapacityProvider)

	api.Handle(s, "RegisterTaskDefinition", answerRegisterTaskDefinition)
	api.Handle(s, "DeregisterTaskDefinition", deregisterTaskDefinition)
	api.Handle(s, "DeleteTaskDefinitions", deleteTaskDefinitions)
	api.Handle(s, "DescribeTaskDefinition", describeTaskDefinition)
	api.Handle(s, "ListTaskDefinitions", listTaskDefinitions)
	api.Handle(s, "ListTaskDefinitionFamilies", listTaskDefinitionFamilies)

	api.Handle(s, "PutAccountSetting", putAccountSetting)
	api.Handle(s, "PutAccountSettingDefault", putAccountSettingDefault)
	api.Handle(s, "DeleteAccountSetting", deleteAccountSetting)
	api.Handle(s, "ListAccountSettings", listAccountSettings)

	api.Handle(s, "PutAttributes", putAttributes)
	api.Handle(s, "DeleteAttributes", deleteAttributes)
	api.Handle(s, "ListAttributes", listAttributes)

	api.Handle(s, "TagResource", tagResource)
	api.Handle(s, "UntagResource", untagResource)
	api.Handle(s, "ListTagsForResource", listTagsForResource)

	api.Handle(s, "RegisterContainerInstance", registerContainerInstance)
	api.Handle(s, "DeregisterContainerInstance", deregisterContainerInstance)
	api.Handle(s, "DescribeContainerInstances", describeContainerInstances)
	api.Handle(s, "ListContainerInstances", listContainerInstances)
	api.Handle(s, "UpdateContainerInstancesState", updateContainerInstancesState)
	api.Handle(s, "UpdateContainerAgent", updateContainerAgent)
	api.Handle(s, "SubmitTaskStateChange", submitTaskStateChange)
	api.Handle(s, "SubmitContainerStateChange", submitContainerStateChange)
	api.Handle(s, "SubmitAttachmentStateChanges", submitAttachmentStateChanges)
	api.Handle(s, "DiscoverPollEndpoint", discoverPollEndpoint)

	registerDaemons(s)
}
