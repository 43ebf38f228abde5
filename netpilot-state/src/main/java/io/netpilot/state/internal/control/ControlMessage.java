package io.netpilot.state.internal.control;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * The control channel's protocol: one JSON object per line each way. A client sends one
 * {@link Request} and reads {@link Reply} lines until a final one ({@link Reply#isFinal()});
 * {@link Request.Watch} streams {@link Reply.Event} and {@link Reply.Heartbeat} lines until the client
 * goes. The type of each line is its {@code "op"} (requests) or {@code "reply"} (replies) field.
 */
public final class ControlMessage {
    private ControlMessage() {}

    /** What a client asks. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Request.Ping.class, name = "ping"),
        @JsonSubTypes.Type(value = Request.Status.class, name = "status"),
        @JsonSubTypes.Type(value = Request.Connect.class, name = "connect"),
        @JsonSubTypes.Type(value = Request.Disconnect.class, name = "disconnect"),
        @JsonSubTypes.Type(value = Request.Retry.class, name = "retry"),
        @JsonSubTypes.Type(value = Request.Watch.class, name = "watch"),
        @JsonSubTypes.Type(value = Request.Stop.class, name = "stop")
    })
    public sealed interface Request {
        /** Is an agent there? Answered with {@link Reply.Done}. */
        record Ping() implements Request {}

        /** Every wanted tunnel: {@link Reply.Tunnels}. */
        record Status() implements Request {}

        /** Connect a tunnel: {@link Reply.Tunnel}. */
        record Connect(Wire.ConnectDto request) implements Request {}

        /** Disconnect one tunnel: {@link Reply.Disconnected}. */
        record Disconnect(String id) implements Request {}

        /** Check and repair one tunnel now, skipping every wait: {@link Reply.Done}. */
        record Retry(String id) implements Request {}

        /** Stream every later event until the client goes. */
        record Watch() implements Request {}

        /** The agent's clean exit: {@link Reply.Done}, then the agent stops. */
        record Stop() implements Request {}
    }

    /** What the agent answers. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "reply")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Reply.Done.class, name = "done"),
        @JsonSubTypes.Type(value = Reply.Tunnels.class, name = "tunnels"),
        @JsonSubTypes.Type(value = Reply.Tunnel.class, name = "tunnel"),
        @JsonSubTypes.Type(value = Reply.Disconnected.class, name = "disconnected"),
        @JsonSubTypes.Type(value = Reply.Event.class, name = "event"),
        @JsonSubTypes.Type(value = Reply.Heartbeat.class, name = "heartbeat"),
        @JsonSubTypes.Type(value = Reply.Failed.class, name = "failed")
    })
    public sealed interface Reply {
        /**
         * Whether this line ends the answer to a request.
         *
         * @return false only for lines of a stream
         */
        default boolean isFinal() {
            return true;
        }

        /** The request was done. */
        record Done() implements Reply {}

        /** The wanted tunnels. */
        record Tunnels(List<Wire.TunnelDto> tunnels) implements Reply {}

        /** One tunnel. */
        record Tunnel(Wire.TunnelDto tunnel) implements Reply {}

        /** What a disconnect stopped. */
        record Disconnected(List<Wire.EntryDto> entries) implements Reply {}

        /** One event of a watch stream. */
        record Event(Wire.EventDto event) implements Reply {
            @Override
            public boolean isFinal() {
                return false;
            }
        }

        /** Keeps a quiet watch stream alive (and tells the agent whether the client is still there). */
        record Heartbeat() implements Reply {
            @Override
            public boolean isFinal() {
                return false;
            }
        }

        /**
         * The request failed.
         *
         * @param message what went wrong and what to do
         * @param kind {@code invalid-input}, {@code not-found}, {@code refused} or {@code failed}
         */
        record Failed(String message, String kind) implements Reply {}
    }
}
