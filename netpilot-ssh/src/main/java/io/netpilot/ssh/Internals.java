package io.netpilot.ssh;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Calls the static factories of the package-private {@code io.netpilot.ssh.internal.SshInternals}.
 * Java has no friend packages and the implementations must stay package-private, so the API reaches
 * them by reflection inside this module (no {@code opens} needed: same module). Thread-safe.
 */
final class Internals {
    private static final Map<String, Method> METHODS = load();

    private Internals() {}

    private static Map<String, Method> load() {
        try {
            Class<?> c = Class.forName("io.netpilot.ssh.internal.SshInternals");
            Method[] methods = c.getDeclaredMethods();
            for (Method m : methods) {
                m.setAccessible(true);
            }
            return Arrays.stream(methods)
                    .filter(m -> java.lang.reflect.Modifier.isStatic(m.getModifiers()) && !m.isSynthetic())
                    .collect(Collectors.toUnmodifiableMap(Method::getName, Function.identity()));
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("netpilot-ssh is incomplete: its internal package is missing", e);
        }
    }

    /** Calls {@code SshInternals.<name>(args)} and casts its result to {@code type}. */
    static <T> T call(String name, Class<T> type, Object... args) {
        Method m = METHODS.get(name);
        if (m == null) {
            throw new IllegalStateException("netpilot-ssh has no internal factory " + name);
        }
        try {
            return type.cast(m.invoke(null, args));
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot reach netpilot-ssh's internal factory " + name, e);
        }
    }
}
