package dev.podnet.vpcsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.cloud.CloudException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryParamsTest {

    @Test
    void decodesFormEncodingAsTheSdksWriteIt() {
        QueryParams p = QueryParams.parse("Action=CreateNetworkInterface&Description=pod+eni%20%26%20more"
                + "&TagSpecification.1.Tag.1.Key=kubernetes.io%2Fcluster%2Fdemo&Empty=&Bare");
        assertThat(p.required("Action")).isEqualTo("CreateNetworkInterface");
        assertThat(p.optional("Description")).contains("pod eni & more");
        assertThat(p.optional("TagSpecification.1.Tag.1.Key")).contains("kubernetes.io/cluster/demo");
        assertThat(p.optional("Empty")).contains("");
        assertThat(p.optional("Bare")).contains("");
        assertThat(p.optional("Missing")).isEmpty();
    }

    @Test
    void listsComeBackInIndexOrderWithGaps() {
        QueryParams p = QueryParams.parse("InstanceId.10=i-10&InstanceId.2=i-2&InstanceId.1=i-1&InstanceId.x=i-x"
                + "&InstanceId.0=i-0&InstanceIdX.3=no");
        assertThat(p.list("InstanceId")).containsExactly("i-1", "i-2", "i-10");
        assertThat(p.list("SubnetId")).isEmpty();
        assertThat(p.has("InstanceId")).isTrue();
        assertThat(p.has("Instance")).isFalse();
    }

    @Test
    void readsNestedFilterAndTagLists() {
        QueryParams p = QueryParams.parse("Filter.2.Name=tag%3Anode&Filter.2.Value.1=a&Filter.1.Name=status"
                + "&Filter.1.Value.2=in-use&Filter.1.Value.1=available"
                + "&TagSpecification.1.ResourceType=network-interface&TagSpecification.1.Tag.2.Key=k2"
                + "&TagSpecification.1.Tag.2.Value=v2&TagSpecification.1.Tag.1.Key=k1&TagSpecification.1.Tag.1.Value=v1");
        assertThat(Filter.parse(p, "Filter")).containsExactly(
                new Filter("status", List.of("available", "in-use")), new Filter("tag:node", List.of("a")));
        List<QueryParams> specs = p.group("TagSpecification");
        assertThat(specs).hasSize(1);
        assertThat(specs.getFirst().required("ResourceType")).isEqualTo("network-interface");
        assertThat(specs.getFirst().group("Tag")).extracting(t -> t.required("Key") + "=" + t.required("Value"))
                .containsExactly("k1=v1", "k2=v2");
    }

    @Test
    void errorsNameTheParameterAsTheClientSentIt() {
        QueryParams p = QueryParams.parse("Filter.3.Value.1=x&DeviceIndex=one&Force=maybe");
        assertThatThrownBy(() -> Filter.parse(p, "Filter")).isInstanceOfSatisfying(CloudException.class, e -> {
            assertThat(e.code()).isEqualTo("MissingParameter");
            assertThat(Ec2Responses.message(e)).isEqualTo("The request must contain the parameter Filter.3.Name");
        });
        assertThatThrownBy(() -> p.requiredInteger("DeviceIndex")).isInstanceOfSatisfying(CloudException.class, e -> {
            assertThat(e.code()).isEqualTo("InvalidParameterValue");
            assertThat(Ec2Responses.message(e)).contains("(one)", "DeviceIndex");
        });
        assertThatThrownBy(() -> p.bool("Force", false)).isInstanceOfSatisfying(CloudException.class,
                e -> assertThat(e.code()).isEqualTo("InvalidParameterValue"));
        assertThatThrownBy(() -> p.required("SubnetId")).isInstanceOfSatisfying(CloudException.class,
                e -> assertThat(Ec2Responses.message(e)).isEqualTo("The request must contain the parameter SubnetId"));
        assertThatThrownBy(() -> QueryParams.parse("A=%zz")).isInstanceOfSatisfying(CloudException.class,
                e -> assertThat(e.code()).isEqualTo("InvalidParameterValue"));
    }

    @Test
    void booleansAndIntegers() {
        QueryParams p = QueryParams.of(Map.of("A", "TRUE", "B", "false", "N", " 42 "));
        assertThat(p.bool("A", false)).isTrue();
        assertThat(p.bool("B", true)).isFalse();
        assertThat(p.bool("C", true)).isTrue();
        assertThat(p.integer("N")).contains(42);
        assertThat(p.integer("M")).isEmpty();
    }

    @Test
    void theBodyWinsOverTheQueryString() {
        QueryParams merged = QueryParams.parse("Action=A&Version=1").with(QueryParams.parse("Action=B"));
        assertThat(merged.required("Action")).isEqualTo("B");
        assertThat(merged.required("Version")).isEqualTo("1");
    }

    @Test
    void filtersMatchWildcardsAndRefuseUnknownNames() {
        Filter f = new Filter("description", List.of("pod-*", "node-?"));
        assertThat(f.matchesAny(List.of("pod-eni-1"))).isTrue();
        assertThat(f.matchesAny(List.of("node-1"))).isTrue();
        assertThat(f.matchesAny(List.of("node-12", "other"))).isFalse();
        assertThat(new Filter("x", List.of("a.b")).matchesAny(List.of("axb"))).isFalse();
        assertThat(new Filter("x", List.of("a\\*")).matchesAny(List.of("a*"))).isTrue();
        assertThat(new Filter("x", List.of("a\\*")).matchesAny(List.of("ab"))).isFalse();
        assertThat(f.exactValue()).isNull();
        assertThat(new Filter("status", List.of("in-use")).exactValue()).isEqualTo("in-use");
        assertThatThrownBy(() -> Ec2Shapes.ENI_FILTERS.predicate(List.of(new Filter("color", List.of("red")))))
                .isInstanceOfSatisfying(CloudException.class, e -> {
                    assertThat(e.code()).isEqualTo("InvalidParameterValue");
                    assertThat(Ec2Responses.message(e)).isEqualTo("The filter 'color' is invalid");
                });
    }
}
