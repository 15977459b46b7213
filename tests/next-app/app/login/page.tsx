export default function Login() {
  return <main>login page</main>;
}
