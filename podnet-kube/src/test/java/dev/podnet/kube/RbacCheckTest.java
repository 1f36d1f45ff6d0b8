package dev.podnet.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RbacCheckTest {
    private final RbacCheck check = RbacCheck.podnet();

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # method | path                                                                  | verb             | group              | namespace   | resource                       | sub    | name
            GET      | /api/v1/nodes/ip-10-0-1-5                                             | get              | ''                 | ''          | nodes                          | ''     | ip-10-0-1-5
            GET      | /api/v1/nodes                                                         | list             | ''                 | ''          | nodes                          | ''     | ''
            GET      | /api/v1/nodes?allowWatchBookmarks=true&resourceVersion=7&watch=true    | watch            | ''                 | ''          | nodes                          | ''     | ''
            GET      | /api/v1/nodes?watch=false                                             | list             | ''                 | ''          | nodes                          | ''     | ''
            PATCH    | /api/v1/nodes/n1                                                      | patch            | ''                 | ''          | nodes                          | ''     | n1
            GET      | /api/v1/namespaces/shop/pods/cart-0                                   | get              | ''                 | shop        | pods                           | ''     | cart-0
            GET      | /api/v1/pods                                                          | list             | ''                 | ''          | pods                           | ''     | ''
            GET      | /api/v1/namespaces/shop                                               | get              | ''                 | shop        | namespaces                     | ''     | shop
            PUT      | /api/v1/namespaces/shop/status                                        | update           | ''                 | shop        | namespaces                     | status | shop
            POST     | /api/v1/namespaces/default/events                                     | create           | ''                 | default     | events                         | ''     | ''
            GET      | /apis/podnet.dev/v1/ippools?labelSelector=podnet.dev%2Fslot%3Da        | list             | podnet.dev         | ''          | ippools                        | ''     | ''
            PUT      | /apis/podnet.dev/v1/ippools/p1                                        | update           | podnet.dev         | ''          | ippools                        | ''     | p1
            PATCH    | /apis/podnet.dev/v1/ippools/p1/status                                 | patch            | podnet.dev         | ''          | ippools                        | status | p1
            GET      | /apis/podnet.dev/v1/storelogs?fieldSelector=metadata.name%3Dx&watch=true | watch         | podnet.dev         | ''          | storelogs                      | ''     | x
            DELETE   | /apis/coordination.k8s.io/v1/namespaces/kube-system/leases/l-1        | delete           | coordination.k8s.io | kube-system | leases                        | ''     | l-1
            DELETE   | /apis/coordination.k8s.io/v1/namespaces/kube-system/leases            | deletecollection | coordination.k8s.io | kube-system | leases                        | ''     | ''
            GET      | /apis/k8s.cni.cncf.io/v1/namespaces/a/network-attachment-definitions/n | get             | k8s.cni.cncf.io    | a           | network-attachment-definitions | ''     | n
            GET      | /apis/podnet.dev/v1/networkconfigs                                    | list             | podnet.dev         | ''          | networkconfigs                 | ''     | ''
            """)
    void aRequestIsAuthorizedAsItsRequestInfo(String method, String path, String verb, String group, String namespace,
                                              String resource, String subresource, String name) {
        assertThat(RbacCheck.attributes(method, path))
                .contains(new RbacCheck.Attributes(verb, group, namespace, resource, subresource, name));
    }

    @ParameterizedTest
    @CsvSource({"GET, /api", "GET, /apis", "GET, /api/v1", "GET, /apis/podnet.dev/v1", "GET, /version"})
    void discoveryIsNoResourceRequest(String method, String path) {
        assertThat(RbacCheck.attributes(method, path)).isEmpty();
    }

    @Test
    void podnetsOwnRequestsAreAllowed() {
        check.assertAllowed(List.of("GET /api/v1/nodes/n1", "PATCH /apis/podnet.dev/v1/ippools/p1/status",
                "POST /api/v1/namespaces/shop/events", "GET /apis/podnet.dev/v1/networkconfigs",
                "GET /api/v1/nodes?watch=true", "GET /apis/podnet.dev/v1/storelogs?fieldSelector=metadata.name%3Dx&watch=true",
                "PUT /apis/coordination.k8s.io/v1/namespaces/kube-system/leases/l-1", "GET /apis/podnet.dev/v1"));
    }

    @Test
    void aRequestNoRuleAllowsIsNamedWithTheRuleItNeeds() {
        assertThatThrownBy(() -> check.assertAllowed(List.of("GET /api/v1/nodes/n1", "DELETE /api/v1/nodes/n1",
                "PATCH /apis/podnet.dev/v1/ippools/p1")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("DELETE /api/v1/nodes/n1 needs {apiGroups: [\"\"], resources: [nodes], verbs: [delete]}")
                .hasMessageContaining("PATCH /apis/podnet.dev/v1/ippools/p1 needs {apiGroups: [\"podnet.dev\"], resources: [ippools], verbs: [patch]}")
                .hasMessageNotContaining("GET /api/v1/nodes/n1");
    }

    @Test
    void aRoleHoldsInItsNamespaceOnly() {
        assertThat(check.allows(lease("kube-system"))).isTrue();
        assertThat(check.allows(lease("default"))).isFalse();
    }

    @Test
    void wildcardsSubresourcesAndResourceNamesMatchAsKubernetesMatchesThem() {
        RbacCheck role = new RbacCheck(List.of(Serialization.unmarshal("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: test}
                rules:
                - {apiGroups: ["*"], resources: [widgets], verbs: ["*"]}
                - {apiGroups: [a.io], resources: ["*/status"], verbs: [patch]}
                - {apiGroups: [b.io], resources: [things], resourceNames: [only], verbs: [get]}
                """, ClusterRole.class)));
        assertThat(role.allows(attrs("delete", "x.io", "widgets", "", "w"))).isTrue();
        assertThat(role.allows(attrs("patch", "a.io", "gadgets", "status", "g"))).isTrue();
        assertThat(role.allows(attrs("patch", "a.io", "gadgets", "", "g"))).isFalse();
        assertThat(role.allows(attrs("get", "x.io", "widgets", "status", "w"))).isFalse();
        assertThat(role.allows(attrs("get", "b.io", "things", "", "only"))).isTrue();
        assertThat(role.allows(attrs("get", "b.io", "things", "", "other"))).isFalse();
        assertThat(role.allows(attrs("list", "b.io", "things", "", ""))).isFalse();
    }

    @Test
    void rbacYamlParsesIntoTheTypedModel() {
        List<HasMetadata> objects = RbacCheck.manifest();
        assertThat(objects).extracting(o -> o.getClass().getSimpleName() + "/" + o.getMetadata().getName())
                .containsExactly("ServiceAccount/podnet", "ClusterRole/podnet-agent", "Role/podnet-leases",
                        "ClusterRoleBinding/podnet-agent", "RoleBinding/podnet-leases");
        ServiceAccount account = (ServiceAccount) objects.get(0);
        assertThat(account.getMetadata().getNamespace()).isEqualTo("kube-system");
        ClusterRoleBinding binding = (ClusterRoleBinding) objects.get(3);
        assertThat(binding.getRoleRef().getName()).isEqualTo(((ClusterRole) objects.get(1)).getMetadata().getName());
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getName()).isEqualTo("podnet");
            assertThat(s.getNamespace()).isEqualTo("kube-system");
        });
        RoleBinding leases = (RoleBinding) objects.get(4);
        assertThat(leases.getRoleRef().getName()).isEqualTo(((Role) objects.get(2)).getMetadata().getName());
        assertThat(leases.getMetadata().getNamespace()).isEqualTo("kube-system");
    }

    /** The CRDs podnet-kube's objects ship with parse, and the role reads their objects as podnet does. */
    @Test
    void theCrdsParseAndTheRoleReadsTheirObjects() throws Exception {
        CustomResourceDefinition pools;
        try (InputStream in = IpPool.class.getResourceAsStream("ippools-crd.yaml")) {
            pools = Serialization.unmarshal(in, CustomResourceDefinition.class);
        }
        assertThat(pools.getSpec().getGroup()).isEqualTo(IpPool.GROUP);
        assertThat(pools.getSpec().getNames().getPlural()).isEqualTo(IpPools.RESOURCE.getPlural());
        assertThat(check.allows(attrs("list", IpPool.GROUP, IpPools.RESOURCE.getPlural(), "", ""))).isTrue();

        CustomResourceDefinition configs;
        try (InputStream in = NetworkConfig.class.getResourceAsStream("networkconfigs-crd.yaml")) {
            configs = Serialization.unmarshal(in, CustomResourceDefinition.class);
        }
        assertThat(configs.getSpec().getGroup()).isEqualTo(NetworkConfig.GROUP);
        assertThat(configs.getSpec().getNames().getPlural())
                .isEqualTo(NetworkConfigController.NETWORK_CONFIGS.getPlural());
        assertThat(check.allows(attrs("list", NetworkConfig.GROUP, configs.getSpec().getNames().getPlural(), "", "")))
                .isTrue();
    }

    private static RbacCheck.Attributes lease(String namespace) {
        return new RbacCheck.Attributes("update", "coordination.k8s.io", namespace, "leases", "", "l-1");
    }

    private static RbacCheck.Attributes attrs(String verb, String group, String resource, String sub, String name) {
        return new RbacCheck.Attributes(verb, group, "", resource, sub, name);
    }
}
