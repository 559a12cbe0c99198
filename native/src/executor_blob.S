/* The executor program (executor.c, linked static by the berth-executor target of
 * binding.gyp) embedded in berth.node, so there is no extra file to install and nothing on a
 * host path a container could reach: spawn.cc copies these bytes into a sealed memfd. */
	.section .rodata
	.balign 16
	.globl berth_executor_start
	.hidden berth_executor_start
berth_executor_start:
	.incbin "berth-executor"
	.globl berth_executor_end
	.hidden berth_executor_end
berth_executor_end:
	.section .note.GNU-stack,"",@progbits
