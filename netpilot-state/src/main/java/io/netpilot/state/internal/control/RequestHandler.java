package io.netpilot.state.internal.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.netpilot.core.Agent;
import io.netpilot.core.InvalidInputException;
import io.netpilot.core.Subscription;
import io.netpilot.core.TunnelEvent;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelNotFoundException;
import io.netpilot.state.internal.control.ControlMessage.Reply;
import io.netpilot.state.internal.control.ControlMessage.Request;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Answers one control request with the agent. Thread-safe (the agent is). */
final class RequestHandler {
    /** Events a watch client has not been sent yet; beyond this they are dropped, the manager never waits. */
    private static final int WATCH_BACKLOG = 1000;

    private final Agent agent;
    private final Runnable stop;

    RequestHandler(Agent agent, Runnable stop) {
        this.agent = agent;
        this.stop = stop;
    }

    void handle(String text, ControlServer.ClientLine line, BooleanSupplier open) throws IOException {
        Request request;
        try {
            request = Wire.JSON.readValue(text, Request.class);
        } catch (JsonProcessingException e) {
            line.send(new Reply.Failed("not a control request: " + e.getOriginalMessage(), "invalid-input"));
            return;
        }
        Reply reply;
        try {
            reply = switch (request) {
                case Request.Ping p -> new Reply.Done();
                case Request.Status s -> new Reply.Tunnels(agent.tunnels().stream().map(Wire.TunnelDto::of).toList());
                case Request.Connect c -> new Reply.Tunnel(Wire.TunnelDto.of(agent.connect(c.request().toRequest())));
                case Request.Disconnect d -> new Reply.Disconnected(Wire.EntryDto.of(agent.disconnect(new TunnelId(d.id()))));
                case Request.Retry r -> {
                    agent.retry(new TunnelId(r.id()));
                    yield new Reply.Done();
                }
                case Request.Watch w -> watch(line, open);
                case Request.Stop s -> {
                    line.send(new Reply.Done());
                    stop.run();
                    yield null;
                }
            };
        } catch (RuntimeException e) {
            reply = failed(e);
        }
        if (reply != null) {
            line.send(reply);
        }
    }

    /** Streams events (or a heartbeat each second) until the client goes or the server closes. */
    private Reply watch(ControlServer.ClientLine line, BooleanSupplier open) throws IOException {
        BlockingQueue<TunnelEvent> backlog = new LinkedBlockingQueue<>(WATCH_BACKLOG);
        Subscription subscription = agent.subscribe(backlog::offer);
        try {
            while (open.getAsBoolean()) {
                TunnelEvent event = backlog.poll(1, TimeUnit.SECONDS);
                line.send(event == null ? new Reply.Heartbeat() : new Reply.Event(Wire.EventDto.of(event)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            subscription.close();
        }
        return null;
    }

    static Reply.Failed failed(RuntimeException e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        String kind = e instanceof InvalidInputException ? "invalid-input" : e instanceof TunnelNotFoundException ? "not-found" : "failed";
        return new Reply.Failed(message, kind);
    }
}
