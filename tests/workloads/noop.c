/* Does nothing: as a static binary it performs no file I/O at all. */
int main(void)
{
	return 0;
}
