/**
 * NetPilot's layering as ArchUnit rules, written once and checked by every module that can see the
 * classes they govern ({@link io.netpilot.testkit.arch.NetPilotArchitecture}).
 */
package io.netpilot.testkit.arch;
