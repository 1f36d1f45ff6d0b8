package dev.podnet.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NoProxyTest {

    @ParameterizedTest(name = "NO_PROXY=''{0}'' {1}:{2} -> direct={3}")
    @CsvSource(delimiter = '|', textBlock = """
            # NO_PROXY                         | host                     | port | direct
            ''                                 | ec2.amazonaws.com        | 443  | false
            *                                  | anything.example         | 80   | true
            *                                  | 10.1.2.3                 | 443  | true
            # a bare domain: itself and its subdomains, never a longer name that merely ends the same
            example.com                        | example.com              | 443  | true
            example.com                        | api.example.com          | 443  | true
            example.com                        | a.b.example.com          | 443  | true
            example.com                        | notexample.com           | 443  | false
            example.com                        | example.com.evil.net     | 443  | false
            # a leading dot or *. : subdomains only (Go; curl would also match example.com)
            .example.com                       | api.example.com          | 443  | true
            .example.com                       | example.com              | 443  | false
            *.example.com                      | api.example.com          | 443  | true
            *.example.com                      | example.com              | 443  | false
            # case and a trailing dot do not matter
            Example.COM                        | API.example.com          | 443  | true
            example.com.                       | example.com              | 443  | true
            example.com                        | example.com.             | 443  | true
            # separators: commas, spaces, both, empty entries
            'foo.net, example.com'             | example.com              | 443  | true
            'foo.net example.com'              | example.com              | 443  | true
            'foo.net,,  ,example.com'          | example.com              | 443  | true
            'foo.net,bar.net'                  | example.com              | 443  | false
            # host:port entries match that port only
            example.com:8443                   | example.com              | 8443 | true
            example.com:8443                   | example.com              | 443  | false
            10.0.0.1:8080                      | 10.0.0.1                 | 8080 | true
            10.0.0.1:8080                      | 10.0.0.1                 | 80   | false
            # IP literals, in any spelling for IPv6, with or without brackets
            10.0.0.1                           | 10.0.0.1                 | 443  | true
            10.0.0.1                           | 10.0.0.2                 | 443  | false
            127.0.0.1                          | 127.0.0.1                | 4566 | true
            ::1                                | [::1]                    | 443  | true
            [::1]                              | ::1                      | 443  | true
            2001:db8::1                        | 2001:db8:0:0:0:0:0:1     | 443  | true
            [2001:db8::1]:443                  | [2001:db8::1]            | 443  | true
            [2001:db8::1]:443                  | [2001:db8::1]            | 80   | false
            # CIDRs
            10.0.0.0/8                         | 10.200.3.4               | 443  | true
            10.0.0.0/8                         | 11.0.0.1                 | 443  | false
            169.254.169.254/32                 | 169.254.169.254          | 80   | true
            fd00::/8                           | fd12:3456::1             | 443  | true
            fd00::/8                           | fe80::1                  | 443  | false
            fd00::/8                           | 10.0.0.1                 | 443  | false
            0.0.0.0/0                          | 192.0.2.1                | 443  | true
            # host names are never resolved: a CIDR matches IP literals only
            127.0.0.0/8                        | localhost                | 443  | false
            # an IP entry does not match a name, and loopback is not exempt by itself (unlike Go)
            10.0.0.1                           | ten.example              | 443  | false
            example.com                        | 127.0.0.1                | 80   | false
            """)
    void matches(String noProxy, String host, int port, boolean direct) {
        assertThat(NoProxy.parse(noProxy == null ? "" : noProxy).matches(host, port)).isEqualTo(direct);
    }

    @ParameterizedTest(name = "{0} with NO_PROXY={1} -> direct={2}")
    @CsvSource(delimiter = '|', textBlock = """
            https://ec2.us-east-1.amazonaws.com   | amazonaws.com:443         | true
            https://ec2.us-east-1.amazonaws.com   | amazonaws.com:80          | false
            http://ec2.us-east-1.amazonaws.com    | amazonaws.com:80          | true
            http://127.0.0.1:4566/                | 127.0.0.1:4566            | true
            http://127.0.0.1:4566/                | 127.0.0.1:80              | false
            http://[::1]:4566/                    | ::1                       | true
            """)
    void urlsUseTheSchemesDefaultPort(String url, String noProxy, boolean direct) {
        assertThat(NoProxy.parse(noProxy).matches(URI.create(url))).isEqualTo(direct);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            10.0.0.0/33          | prefix length 33
            fd00::/129           | prefix length 129
            10.0.0.0/x           | not a CIDR
            example.com/8        | not a CIDR
            example.com:http     | port 'http'
            example.com:0        | port '0'
            example.com:70000    | port '70000'
            [::1                 | without ']'
            :8080                | no host
            """)
    void malformedEntriesAreErrorsNamingTheEntry(String entry, String why) {
        assertThatThrownBy(() -> NoProxy.parse("good.example, " + entry))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + entry.toLowerCase() + "'")
                .hasMessageContaining(why);
    }
}
