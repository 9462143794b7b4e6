module hazelcast-k8s-e2e/image/pause

go 1.22
