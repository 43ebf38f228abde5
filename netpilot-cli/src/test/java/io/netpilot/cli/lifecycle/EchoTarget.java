package io.netpilot.cli.lifecycle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tunnel target on 127.0.0.1 that greets like an SSH server ({@code SSH-2.0-EchoTarget}, so the
 * manager's probe passes) and then echoes every byte: a client holding a connection through the
 * tunnel can prove, at any later moment, that the connection still carries data both ways.
 * Thread-safe; close() ends its threads and connections.
 */
final class EchoTarget implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> clients = new CopyOnWriteArrayList<>();

    private EchoTarget(ServerSocket server) {
        this.server = server;
        Thread.ofVirtual().name("echo-accept").start(this::accept);
    }

    static EchoTarget start() throws IOException {
        return new EchoTarget(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                clients.add(s);
                Thread.ofVirtual().name("echo").start(() -> echo(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void echo(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            out.write("SSH-2.0-EchoTarget\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] buf = new byte[4096];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : clients) {
            s.close();
        }
    }
}
