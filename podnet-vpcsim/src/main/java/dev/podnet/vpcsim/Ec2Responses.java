package dev.podnet.vpcsim;

import dev.podnet.cloud.CloudException;
import dev.podnet.cloud.Ec2Error;
import java.util.Map;
import java.util.function.Consumer;

/** The two document shapes EC2 answers with: {@code <ActionResponse>} on success and {@code <Response><Errors>} on failure. */
public final class Ec2Responses {

    public static final String VERSION = "2016-11-15";
    public static final String NAMESPACE = "http://ec2.amazonaws.com/doc/" + VERSION + "/";
    public static final String CONTENT_TYPE = "text/xml;charset=UTF-8";

    private Ec2Responses() {
    }

    /** {@code <ActionResponse xmlns=..><requestId>..</requestId>(body)</ActionResponse>}. */
    public static String success(String action, String requestId, Consumer<XmlWriter> body) {
        XmlWriter xml = new XmlWriter().declaration().start(action + "Response", NAMESPACE).element("requestId", requestId);
        body.accept(xml);
        return xml.end().toString();
    }

    public static String error(String code, String message, String requestId) {
        return new XmlWriter().declaration().start("Response").start("Errors").start("Error")
                .element("Code", code).element("Message", message).end().end()
                .element("RequestID", requestId).end().toString();
    }

    /** Codes of the HTTP front itself, which the SPI's {@link Ec2Error} has no reason to know. */
    private static final Map<String, Integer> PROTOCOL_STATUS = Map.of("DryRunOperation", 412,
            "RequestEntityTooLarge", 413, "MethodNotAllowed", 405, "InvalidURI", 404);

    /** The HTTP status EC2 sends an error code with: the known ones carry theirs, any other code is a client error. */
    public static int httpStatus(String code) {
        return Ec2Error.ofCode(code).map(Ec2Error::httpStatus).orElseGet(() -> PROTOCOL_STATUS.getOrDefault(code, 400));
    }

    /** EC2's message alone: {@link CloudException#getMessage()} starts with the code, which the XML carries apart. */
    public static String message(CloudException e) {
        String text = e.getMessage();
        String head = e.code() + ": ";
        return text != null && text.startsWith(head) ? text.substring(head.length()) : String.valueOf(text);
    }
}
