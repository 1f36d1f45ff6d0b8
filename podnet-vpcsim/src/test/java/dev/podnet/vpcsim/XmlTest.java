package dev.podnet.vpcsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class XmlTest {

    @Test
    void escapesMarkupAndDropsWhatXmlCannotCarry() {
        assertThat(XmlWriter.escape("plain")).isEqualTo("plain");
        assertThat(XmlWriter.escape("a<b>&\"c'")).isEqualTo("a&lt;b&gt;&amp;&quot;c&apos;");
        assertThat(XmlWriter.escape("tab\tnl\ncr\r")).isEqualTo("tab\tnl\ncr\r");
        assertThat(XmlWriter.escape("nul\u0000bell\u0007")).isEqualTo("nul\uFFFDbell\uFFFD");
        assertThat(XmlWriter.escape("lone\uD800 pair\uD83D\uDE00")).isEqualTo("lone\uFFFD pair\uD83D\uDE00");
    }

    @Test
    void escapedTextSurvivesAParser() throws Exception {
        String nasty = "</description><injected>&amp;\u0001\uDC00";
        String xml = new XmlWriter().declaration().start("r").element("description", nasty).end().toString();
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getDocumentElement().getTextContent()).isEqualTo("</description><injected>&amp;\uFFFD\uFFFD");
    }

    @Test
    void successEnvelopeIsEc2s() {
        String body = Ec2Responses.success("DeleteNetworkInterface", "req-1", x -> x.element("return", true));
        assertThat(body).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<DeleteNetworkInterfaceResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
                + "<requestId>req-1</requestId><return>true</return></DeleteNetworkInterfaceResponse>");
    }

    @Test
    void errorShapeAndStatusAreEc2s() {
        assertThat(Ec2Responses.error("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID 'eni-1' does not <exist>", "r"))
                .isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>"
                        + "<Code>InvalidNetworkInterfaceID.NotFound</Code>"
                        + "<Message>The networkInterface ID &apos;eni-1&apos; does not &lt;exist&gt;</Message>"
                        + "</Error></Errors><RequestID>r</RequestID></Response>");
        assertThat(Ec2Responses.httpStatus("RequestLimitExceeded")).isEqualTo(503);
        assertThat(Ec2Responses.httpStatus("InternalError")).isEqualTo(500);
        assertThat(Ec2Responses.httpStatus("InvalidParameterValue")).isEqualTo(400);
        assertThat(Ec2Responses.httpStatus("SomethingNew")).isEqualTo(400);
        assertThat(Ec2Responses.httpStatus("DryRunOperation")).isEqualTo(412);
    }

    @Test
    void unclosedDocumentsAreABug() {
        XmlWriter x = new XmlWriter().start("a");
        assertThatThrownBy(x::toString).isInstanceOf(IllegalStateException.class);
    }
}
