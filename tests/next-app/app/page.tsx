export default function Home() {
  return <main>public home</main>;
}
