package io.netpilot.cli.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * Logback's configuration, in code rather than {@code logback.xml}: parsing XML cost every
 * {@code netpilot} call tens of milliseconds (docs/BENCHMARKS.md). Levels: {@code io.netpilot} at
 * DEBUG, MINA at WARN, the rest at INFO; stderr only with {@code -v} (see {@link LogSetup#stderr});
 * the rotated file in {@code <home>/logs} is added once the home is open. Found by logback through
 * the service loader.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {
    /** Public, no arguments: the service loader's requirement. */
    public LogConfigurator() {}

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        context.getLogger("io.netpilot").setLevel(Level.DEBUG);
        context.getLogger("org.apache.sshd").setLevel(Level.WARN);
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        if ("DEBUG".equals(System.getProperty(LogSetup.STDERR_LEVEL_PROPERTY))) {
            PatternLayoutEncoder encoder = new PatternLayoutEncoder();
            encoder.setContext(context);
            encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{24} %X{tunnel} - %msg%n");
            encoder.start();
            ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
            stderr.setContext(context);
            stderr.setName("STDERR");
            stderr.setTarget("System.err");
            stderr.setEncoder(encoder);
            stderr.start();
            root.addAppender(stderr);
        }
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
